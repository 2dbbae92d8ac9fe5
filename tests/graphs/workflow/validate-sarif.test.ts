import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { toSarif } from '../../../graphs/workflow/sarif.js'
import { validateWorkflowFile, validateWorkflowText, VALIDATION_RULES } from '../../../graphs/workflow/validate.js'

describe('toSarif', () => {
  it('lists every rule with its default level under the switchyard driver', () => {
    const log = toSarif([])
    expect(log.version).toBe('2.1.0')
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json')
    expect(log.runs).toHaveLength(1)
    const driver = log.runs[0]?.tool.driver
    expect(driver?.name).toBe('switchyard')
    expect(driver?.rules.map((r) => r.id)).toStrictEqual(Object.keys(VALIDATION_RULES))
    expect(driver?.rules.find((r) => r.id === 'parallel-hint')?.defaultConfiguration).toStrictEqual({ level: 'note' })
    expect(driver?.rules.find((r) => r.id === 'unreachable')?.defaultConfiguration).toStrictEqual({ level: 'warning' })
    expect(driver?.rules.every((r) => r.shortDescription.text.length > 0)).toBe(true)
    expect(log.runs[0]?.results).toStrictEqual([])
  })

  it('turns each finding into a result at its file, line and column', () => {
    const findings = validateWorkflowText('name: t\nsteps:\n  - { id: a, type: shell, needs: b, with: { run: [ls] } }\n', 'flows/my flow.yaml')
    const log = toSarif(findings)
    const rules = log.runs[0]?.tool.driver.rules ?? []
    expect(log.runs[0]?.results).toStrictEqual([{
      ruleId: 'unknown-need',
      ruleIndex: rules.findIndex((r) => r.id === 'unknown-need'),
      level: 'error',
      message: { text: "step 'a' needs 'b', which is not a step of this workflow" },
      locations: [{
        physicalLocation: { artifactLocation: { uri: 'flows/my%20flow.yaml' }, region: { startLine: 3, startColumn: 34 } },
        logicalLocations: [{ fullyQualifiedName: 'steps.0.needs' }],
      }],
    }])
  })

  it('maps severities to SARIF levels and absolute paths to file URLs', async () => {
    const file = join(import.meta.dirname, 'fixtures/invalid/unreachable.yaml')
    const results = toSarif(await validateWorkflowFile(file)).runs[0]?.results ?? []
    expect(results.map((r) => [r.ruleId, r.level])).toStrictEqual([['cycle', 'error'], ['unreachable', 'warning'], ['unreachable', 'warning']])
    expect(results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe(`file://${file}`)
    const hint = toSarif([{ rule: 'parallel-hint', severity: 'info', message: 'm', file: 'a.yaml', line: 1, col: 1, path: '' }]).runs[0]?.results[0]
    expect(hint?.level).toBe('note')
    expect(hint?.locations[0]?.logicalLocations).toBeUndefined()
  })
})
