import type { TeamStateT } from './team-graph.js'

/** The driver's final aggregation of every step into one markdown report. */
export function renderTeamReport(s: TeamStateT, modelLabel: string): string {
  const lines = [`# Report: ${s.task}`, '', `_Model: ${modelLabel}_`, '']
  if (s.analysis) lines.push('## Analysis', '', s.analysis, '')
  if (s.research) {
    lines.push('## Research', '', s.research.answer, '')
    if (s.research.sources.length > 0) {
      lines.push('### Sources', '')
      for (const src of s.research.sources) lines.push(`[${src.n}] ${src.title} (${src.source})`)
      lines.push('')
    }
  }
  if (s.specialist) {
    const sp = s.specialist
    lines.push('## Specialist agent', '', `- name: ${sp.name}`, `- role: ${sp.role}`, `- tools: ${sp.tools.join(', ') || '(none)'}`,
      `- output fields: ${sp.output_fields.join(', ') || '(none)'}`, '', '```text', sp.system_prompt, '```', '')
  }
  lines.push('## Steps', '')
  for (const st of s.steps) {
    const what = st.agent === 'driver' ? `routed to ${String(st.result.next)}: ${String(st.result.reason)}` : 'done'
    lines.push(`${st.step}. ${st.agent}: ${what}`)
  }
  lines.push(`${s.steps.length + 1}. report: aggregated ${s.steps.length} steps`)
  return lines.join('\n')
}
