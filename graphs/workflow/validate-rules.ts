import type { Severity } from './finding.js'

/**
 * Every rule of `switchyard validate`: its stable id, its severity and one line on what it reports
 * (`yaml`, `schema` and `io` come from the loader).
 */
export const VALIDATION_RULES = {
  'yaml': { severity: 'error', description: 'The file is not well-formed YAML.' },
  'schema': { severity: 'error', description: 'The workflow does not fit the workflow schema.' },
  'io': { severity: 'error', description: 'The workflow file cannot be read.' },
  'unknown-need': { severity: 'error', description: 'needs names a step that does not exist.' },
  'unknown-step-ref': {
    severity: 'error',
    description: 'An expression, a template, on_error, on_timeout or next names a step that does not exist.',
  },
  'cycle': { severity: 'error', description: 'Steps need each other in a cycle; a bounded repetition is a step\'s own loop.' },
  'unreachable': { severity: 'warning', description: 'A step can never run (it needs a step on a needs cycle, or its if is always false).' },
  'output-not-produced': {
    severity: 'error',
    description: 'steps.X.outputs.Y is read where X never produces Y, or X does not run before the reader.',
  },
  'undefined-variable': {
    severity: 'error',
    description: 'A template or expression reads an undeclared input, an undeclared env name or an unknown root.',
  },
  'invalid-with': { severity: 'error', description: 'A step\'s with does not fit its step type\'s parameters.' },
  'invalid-expression': { severity: 'error', description: 'An expression or a Liquid template does not parse.' },
  'risky-shell': {
    severity: 'error',
    description: 'A shell command deletes / or $HOME, pipes a download into a shell, uses sudo or chmod 777, or templates an input into a shell string.',
  },
  'plaintext-secret': { severity: 'error', description: 'A key, token or password is written in the file instead of read from env.' },
  'unsupported': { severity: 'error', description: 'The schema accepts it but the compiler does not run it yet (next routing).' },
  'parallel-hint': { severity: 'info', description: 'A need orders a step after one whose results it never uses: they could run in parallel.' },
} as const satisfies Record<string, { severity: Severity; description: string }>

export type RuleId = keyof typeof VALIDATION_RULES
