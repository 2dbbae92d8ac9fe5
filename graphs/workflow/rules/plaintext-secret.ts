import type { Finding } from '../finding.js'
import { isTemplate } from '../spec-schema.js'
import type { Rule } from '../validate-context.js'
import type { YamlPath } from '../yaml-source.js'

/** Shapes of real credentials, by issuer. */
export const SECRET_PATTERNS: readonly { readonly re: RegExp; readonly what: string }[] = [
  { re: /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}/, what: 'an API key (sk-…)' },
  { re: /\bgh[pousr]_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{22,}/, what: 'a GitHub token' },
  { re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/, what: 'a Slack token' },
  { re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, what: 'an AWS access key id' },
  { re: /\bAIza[0-9A-Za-z_-]{35}/, what: 'a Google API key' },
  { re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'a private key' },
]

/** Key names that hold a credential (matched on the snake_case form, at the end of the name: `db_password`, `apiKey`). */
const SECRET_KEY = /(?:^|[_-])(?:password|passwd|secret|token|api_?key|private_?key|access_?key|credentials?|authorization)$/
const snake = (k: string) => k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
/** `$TOKEN` and `${TOKEN}` point at the environment too. */
const ENV_REFERENCE = /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/

const isSecretKey = (k: string | number | undefined): k is string => typeof k === 'string' && SECRET_KEY.test(snake(k))

/** Whether a path holds an expression, whose text is code rather than a value (`outputs`, `if`, …). */
const isExpressionPath = (p: YamlPath): boolean =>
  p[0] === 'outputs' || (p[0] === 'steps' && (p[2] === 'outputs' || p[2] === 'if' || p[2] === 'loop' || p[2] === 'next' || p[2] === 'for_each' || p[2] === 'cache'))

/** Strings with their paths, every one in the workflow. */
function* strings(v: unknown, path: YamlPath): Generator<[YamlPath, string]> {
  if (typeof v === 'string') yield [path, v]
  else if (Array.isArray(v)) for (const [i, x] of v.entries()) yield* strings(x, [...path, i])
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) yield* strings(x, [...path, k])
}

/**
 * `plaintext-secret`: a string shaped like a credential anywhere in the file, and a literal value
 * under a key named like one (`password`, `api_key`, `GITHUB_TOKEN`, `Authorization`, also an
 * input's `default`). A template (`{{ env.API_KEY }}`, `{{ inputs.token }}`) or `$API_KEY` is a
 * reference, not a secret.
 */
export const plaintextSecret: Rule = (ctx) => {
  const out: Finding[] = []
  for (const [path, text] of strings(ctx.spec, [])) {
    const hit = SECRET_PATTERNS.map((p) => ({ p, m: p.re.exec(text) })).find((x) => x.m !== null)
    if (hit?.m) {
      out.push(ctx.finding('plaintext-secret', path, `${hit.p.what} is written in the file: pass it in at run time (an input, or a shell step's env allowlist)`, { col: hit.m.index + 1 }))
      continue
    }
    const key = path.at(-1)
    const inputDefault = path[0] === 'inputs' && path.length === 3 && key === 'default'
    const named = inputDefault ? path[1] : key
    if (!isSecretKey(named)) continue
    if (isExpressionPath(path) || text.trim() === '' || isTemplate(text) || ENV_REFERENCE.test(text.trim())) continue
    out.push(ctx.finding('plaintext-secret', path, `'${named}' holds a literal value: pass it in at run time (an input, or a shell step's env allowlist)`))
  }
  return out
}
