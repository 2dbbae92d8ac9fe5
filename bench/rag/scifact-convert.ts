/**
 * Rebuilds BEIR's SciFact folder (corpus.jsonl, queries.jsonl, qrels/test.tsv) from the SciFact
 * corpus as a CSV (`doc_id,title,abstract,structured`, the abstract a numpy array repr of
 * sentences: the Hugging Face export of allenai/scifact) plus BEIR's own queries and qrels.
 * BEIR's corpus text is the abstract's sentences, each stripped, joined by one space; titles stripped.
 * Checked against a copy of BEIR's corpus.jsonl: same 5,183 lines, same 7,998,337 characters.
 *
 *   tsx bench/rag/scifact-convert.ts CORPUS_CSV QUERIES_JSONL QRELS_TSV OUT_DIR
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** RFC 4180 rows: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++ } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') { row.push(field); field = '' } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field); rows.push(row); row = []; field = ''
    } else field += c
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row) }
  return rows
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' }

/** The Python string literals of a repr such as `['one.' "it's"]`, decoded, in order. */
export function pythonStrings(repr: string): string[] {
  const out: string[] = []
  for (let i = 0; i < repr.length; i++) {
    const q = repr[i]
    if (q !== "'" && q !== '"') continue
    let s = ''
    for (i++; i < repr.length && repr[i] !== q; i++) {
      if (repr[i] !== '\\') { s += repr[i]; continue }
      const e = repr[++i]!
      const hex = { x: 2, u: 4, U: 8 }[e]
      if (hex) { s += String.fromCodePoint(parseInt(repr.slice(i + 1, i + 1 + hex), 16)); i += hex } else s += ESCAPES[e] ?? `\\${e}`
    }
    out.push(s)
  }
  return out
}

export function corpusJsonl(csv: string): string {
  const [header, ...rows] = parseCsv(csv)
  const col = (name: string) => header!.indexOf(name)
  const [id, title, abstract] = [col('doc_id'), col('title'), col('abstract')]
  if (id < 0 || title < 0 || abstract < 0) throw new Error(`unexpected CSV header: ${header?.join(',')}`)
  // Python's json.dumps(ensure_ascii=False) layout, as BEIR wrote the file
  const dump = (o: Record<string, string>) => `{${Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`
  return rows.filter((r) => r.length > 1)
    .map((r) => `${dump({ _id: r[id]!, title: r[title]!.trim(), text: pythonStrings(r[abstract]!).map((s) => s.trim()).join(' ') })}\n`).join('')
}

if (process.argv[1]?.endsWith('scifact-convert.ts')) {
  const [csv, queries, qrels, out] = process.argv.slice(2)
  if (!csv || !queries || !qrels || !out) throw new Error('usage: scifact-convert.ts CORPUS_CSV QUERIES_JSONL QRELS_TSV OUT_DIR')
  mkdirSync(join(out, 'qrels'), { recursive: true })
  writeFileSync(join(out, 'corpus.jsonl'), corpusJsonl(readFileSync(csv, 'utf8')))
  copyFileSync(queries, join(out, 'queries.jsonl'))
  copyFileSync(qrels, join(out, 'qrels', 'test.tsv'))
  console.log(`wrote ${out}`)
}
