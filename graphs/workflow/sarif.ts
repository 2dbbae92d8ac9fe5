import { isAbsolute } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Finding, Severity } from './finding.js'
import { VALIDATION_RULES } from './validate-rules.js'

/** SARIF's names for our severities. */
const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const satisfies Record<Severity, string>
export type SarifLevel = (typeof LEVEL)[Severity]

export interface SarifResult {
  ruleId: string
  ruleIndex: number
  level: SarifLevel
  message: { text: string }
  locations: {
    physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } }
    logicalLocations?: { fullyQualifiedName: string }[]
  }[]
}
export interface SarifLog {
  $schema: string
  version: '2.1.0'
  runs: {
    tool: { driver: { name: 'switchyard'; rules: SarifRule[] } }
    results: SarifResult[]
  }[]
}
export interface SarifRule {
  id: string
  shortDescription: { text: string }
  defaultConfiguration: { level: SarifLevel }
}

/** A file path as a SARIF artifact URI: relative paths stay relative (to the working folder), with `/`. */
const artifactUri = (file: string): string =>
  (isAbsolute(file) ? pathToFileURL(file).href : encodeURI(file.split('\\').join('/')))

/**
 * Findings as one SARIF 2.1.0 log (what GitHub code scanning and editors read): the driver
 * `switchyard` lists every validator rule with its default level; each finding is a result at its
 * `file:line:col`, with the dotted path as its logical location.
 * @example JSON.stringify(toSarif(await validateWorkflowFile('wf.yaml')))
 */
export function toSarif(findings: readonly Finding[]): SarifLog {
  const rules: SarifRule[] = Object.entries(VALIDATION_RULES).map(([id, r]) => ({
    id, shortDescription: { text: r.description }, defaultConfiguration: { level: LEVEL[r.severity] },
  }))
  const index = new Map(rules.map((r, i) => [r.id, i]))
  const ruleIndex = (id: string): number => {
    const known = index.get(id)
    if (known !== undefined) return known
    rules.push({ id, shortDescription: { text: id }, defaultConfiguration: { level: 'error' } })
    index.set(id, rules.length - 1)
    return rules.length - 1
  }
  const results = findings.map((f): SarifResult => ({
    ruleId: f.rule,
    ruleIndex: ruleIndex(f.rule),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [{
      physicalLocation: { artifactLocation: { uri: artifactUri(f.file) }, region: { startLine: f.line, startColumn: f.col } },
      ...(f.path === '' ? {} : { logicalLocations: [{ fullyQualifiedName: f.path }] }),
    }],
  }))
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'switchyard', rules } }, results }],
  }
}
