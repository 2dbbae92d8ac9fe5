import type { Finding } from '../finding.js'
import { dotted } from '../finding.js'
import type { Rule } from '../validate-context.js'
import type { YamlPath } from '../yaml-source.js'

interface Danger { readonly re: RegExp; readonly word: string; readonly why: string; readonly test?: (m: RegExpExecArray) => boolean }

const HOME_OR_ROOT = /^["']?(?:\/\*?|~\/?\*?|\$\{?HOME\}?\/?\*?)["']?$/
const RECURSIVE = /^(?:-[a-zA-Z]*[rR][a-zA-Z]*|--recursive)$/

/** What a command must not do; each regex starts at a command position so `docker run --rm` is not `rm`. */
const DANGERS: readonly Danger[] = [
  {
    re: /(?:^|[\s;&|(`])rm((?:\s+[^\s;&|)`]+)+)/g, word: 'rm',
    why: 'deletes / or the home folder recursively',
    test: (m) => {
      const args = (m[1] ?? '').trim().split(/\s+/)
      return args.some((a) => RECURSIVE.test(a)) && args.some((a) => HOME_OR_ROOT.test(a))
    },
  },
  { re: /(?:^|[\s;&|(`])(?:curl|wget)\s[^\n;&]*?\|\s*(?:sudo\s+)?(?:ba|da|z|k)?sh(?=$|[\s;&|)])/g, word: '', why: 'pipes a download straight into a shell: fetch it, check it, then run it' },
  { re: /(?:^|[;&|(`\n]|\$\()\s*sudo(?=\s|$)/g, word: 'sudo', why: 'uses sudo: a workflow step must not need root' },
  { re: /(?:^|[\s;&|(`])chmod\s+(?:-[a-zA-Z]+\s+)*0?777(?=$|[\s;&|)])/g, word: 'chmod', why: 'uses chmod 777, which makes files writable by every user' },
]

/** The dangers in a command text, the first occurrence of each kind: its 0-based offset and why. */
export function findDangers(text: string): { offset: number; why: string }[] {
  return DANGERS.flatMap((d) => {
    for (const m of text.matchAll(d.re)) {
      if (d.test && !d.test(m)) continue
      const lead = m[0].length - m[0].trimStart().length
      const word = d.word === '' ? lead : Math.max(lead, m[0].indexOf(d.word))
      return [{ offset: m.index + word, why: d.why }]
    }
    return []
  })
}

/** The strings of a shell step's `run` a shell interprets (with their paths), and the joined argv form. */
function commandTexts(run: unknown, shell: boolean, base: YamlPath): { path: YamlPath; text: string; parts?: string[] }[] {
  if (typeof run === 'string') return [{ path: [...base, 'run'], text: run }]
  if (!Array.isArray(run) || !run.every((a) => typeof a === 'string')) return []
  if (shell) return run.length > 0 ? [{ path: [...base, 'run', 0], text: run[0] as string }] : []
  return [{ path: [...base, 'run'], text: run.join(' '), parts: run as string[] }]
}

/**
 * `risky-shell`: a shell step's command (a `shell: true` script, or the argv joined by spaces)
 * that recursively deletes `/`, `~` or `$HOME`, pipes `curl`/`wget` into a shell, uses `sudo` or
 * `chmod 777`; and an `inputs.*` template inside a `shell: true` script string, where the value
 * would run as code (an argv element, or `$1` with `shell: true`, reaches the program as data).
 */
export const riskyShell: Rule = (ctx) => {
  const out: Finding[] = []
  ctx.spec.steps.forEach((s, i) => {
    if (s.type !== 'shell') return
    const shell = s.with?.shell === true
    for (const { path, text, parts } of commandTexts(s.with?.run, shell, ['steps', i, 'with'])) {
      for (const d of findDangers(text)) {
        if (parts === undefined) out.push(ctx.finding('risky-shell', path, `the command ${d.why}`, { col: d.offset + 1 }))
        else {
          // map the offset in the joined argv back onto the element it falls in
          let k = 0
          let start = 0
          while (k < parts.length - 1 && start + (parts[k] as string).length < d.offset) start += (parts[k++] as string).length + 1
          out.push(ctx.finding('risky-shell', [...path, k], `the command ${d.why}`, { col: d.offset - start + 1 }))
        }
      }
      if (!shell) continue
      const site = ctx.sites.find((x) => dotted(x.path) === dotted(path))
      const input = site?.refs.find((r) => r.root === 'inputs')
      if (input === undefined) continue
      const name = [input.root, ...input.keys].join('.')
      out.push(ctx.finding('risky-shell', path,
        `'${name}' is templated into a shell: true command string, where a value such as '; rm -rf ~' runs as code: pass it as an argument (the argv form, or $1 with shell: true)`,
        input.col === undefined ? {} : { col: input.col }))
    }
  })
  return out
}
