import { apiFetch } from '../api/api-client.js'
import { useResource } from '../api/use-resource.js'

interface Finding { rule: string; severity: 'error' | 'warning' | 'info'; message: string; line: number; col: number; path: string }
interface WorkflowDefinition { graph_id: string; file: string; source: string; findings: Finding[] }

/** A YAML workflow's source with the validator's findings (`/api/workflow-definitions/{graph}`); nothing for other graphs. */
export function WorkflowSource({ graphId }: { graphId: string }) {
  const def = useResource(`workflow-definition:${graphId}`, () => apiFetch<WorkflowDefinition>(`/api/workflow-definitions/${encodeURIComponent(graphId)}`))
  // not a YAML workflow (404), or a server without this endpoint: no source to show
  if (!def.data) return null
  const { file, source, findings } = def.data
  const byLine = new Map<number, Finding[]>()
  for (const f of findings) byLine.set(f.line, [...(byLine.get(f.line) ?? []), f])
  return (
    <section className="panel workflow-source" aria-labelledby="yaml-title">
      <h2 id="yaml-title">Source <code>{file}</code></h2>
      <p data-testid="findings-summary">{findings.length === 0 ? 'The validator finds nothing to report.' : `${findings.length} finding${findings.length === 1 ? '' : 's'} from the validator:`}</p>
      {findings.length ? (
        <ul className="findings">
          {findings.map((f, i) => (
            <li key={i} className={`finding finding-${f.severity}`}>
              <a href={`#yaml-line-${f.line}`}>{file}:{f.line}:{f.col}</a> <strong>{f.severity}</strong> {f.rule}: {f.message}{f.path ? ` (${f.path})` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      <pre className="yaml" tabIndex={0} aria-label={`YAML source of ${graphId}`}>
        {source.split('\n').map((line, i) => (
          <span key={i} id={`yaml-line-${i + 1}`} className={byLine.has(i + 1) ? `yaml-line flagged finding-${byLine.get(i + 1)![0]!.severity}` : 'yaml-line'}>
            <span className="yaml-no" aria-hidden="true">{i + 1}</span>{line}{'\n'}
          </span>
        ))}
      </pre>
    </section>
  )
}
