/** More terms than this add little recall and make every query scan more postings. */
export const MAX_QUERY_TERMS = 32
const MAX_TERM_LENGTH = 64

// Words so common that OR-ing them in matches nearly every chunk; they are dropped unless the
// query holds nothing else (so a search for "the who" still finds something).
const STOPWORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have how i if in into is it its ' +
    'me my no not of on or our should so such than that the their them then there these they this those to ' +
    'was we were what when where which who whom why will with would you your'
  ).split(' '),
)

/**
 * The words of a free-text query: runs of letters, digits and combining marks, lower-cased,
 * de-duplicated, in order of first appearance. Everything else (quotes, `*`, `:`, parentheses,
 * `^`, `-`, `+`) is a separator, so nothing of FTS5's query syntax survives.
 */
export function queryTerms(text: string): string[] {
  const words = text.normalize('NFC').toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) ?? []
  const unique = [...new Set(words.map((w) => w.slice(0, MAX_TERM_LENGTH)))]
  const content = unique.filter((w) => !STOPWORDS.has(w))
  return (content.length > 0 ? content : unique).slice(0, MAX_QUERY_TERMS)
}

/**
 * Turns text from a user or an LLM into an FTS5 MATCH expression that cannot be a syntax error:
 * each word becomes a quoted string (so `AND`, `NEAR`, `col:` are plain words) and the words are
 * OR-ed, leaving ranking to bm25. Returns undefined when the text has no words.
 *
 * @example
 * toFtsQuery('How does NEAR(checkpoint) work?') // '"near" OR "checkpoint" OR "work"'
 */
export function toFtsQuery(text: string): string | undefined {
  const terms = queryTerms(text)
  if (terms.length === 0) return undefined
  // terms hold no '"' after tokenising; doubling is the FTS5 escape and guards future changes
  return terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(' OR ')
}

/**
 * The same words as a Postgres `to_tsquery` text, OR-ed (`near | checkpoint | work`): the words hold only
 * letters, digits and marks, so none of tsquery's operators (`&`, `|`, `!`, `<->`, `:*`) can be in it.
 * Returns undefined when the text has no words.
 */
export function toTsQuery(text: string): string | undefined {
  const terms = queryTerms(text)
  return terms.length === 0 ? undefined : terms.join(' | ')
}
