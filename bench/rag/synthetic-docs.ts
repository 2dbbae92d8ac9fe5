import type { BulkDoc } from '../../rag/bulk-load.js'

/** Deterministic PRNG (mulberry32), so every run indexes the same text. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SYLLABLES = 'ka lo mi ne ru sa te vi zo ba de fi gu ha ji ko lu ma no pe qui ro su ta ve wo xi ya ze'.split(' ')

/** A vocabulary of `size` pseudo-words; word i is drawn with a Zipf weight 1/(i+1), as in prose. */
export function vocabulary(size: number, random: () => number): { words: string[]; draw(): string } {
  const words = Array.from({ length: size }, (_, i) => {
    let w = ''
    for (let n = 2 + (i % 3); n > 0; n--) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)]
    return `${w}${i}`
  })
  const cumulative: number[] = []
  let sum = 0
  for (let i = 0; i < size; i++) cumulative.push((sum += 1 / (i + 1)))
  const draw = () => {
    const x = random() * sum
    let lo = 0
    let hi = size - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cumulative[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return words[lo]!
  }
  return { words, draw }
}

/** `n` short documents of 200–500 characters (titles of 3–6 words), deterministic for a seed. */
export function* syntheticDocs(n: number, seed = 1): Generator<BulkDoc> {
  const random = rng(seed)
  const vocab = vocabulary(20_000, random)
  for (let i = 0; i < n; i++) {
    const target = 200 + Math.floor(random() * 300)
    let text = ''
    while (text.length < target) text += `${vocab.draw()}${random() < 0.1 ? '.' : ''} `
    const title = Array.from({ length: 3 + Math.floor(random() * 4) }, () => vocab.draw()).join(' ')
    yield { source: `doc-${i}`, title, text: text.slice(0, target).trim() }
  }
}

/** Queries of 2–5 words drawn like the documents' words (so most match something). */
export function syntheticQueries(n: number, seed = 2): string[] {
  const random = rng(seed)
  const vocab = vocabulary(20_000, rng(1))
  return Array.from({ length: n }, () => Array.from({ length: 2 + Math.floor(random() * 4) }, () => vocab.draw()).join(' '))
}
