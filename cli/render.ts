import { wireJson } from '../runtime/wire-json.js'
import type { CliEvent, RunResult } from './cli-events.js'
import { EXIT } from './exit-codes.js'

export interface Out { write(s: string): void; isTTY: boolean }

const fmtMs = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`)

/**
 * The run's progress for humans: nodes started and finished with elapsed time, streamed tokens inline.
 * With `json`, one NDJSON line per event instead.
 */
export function createRenderer(out: Out, json: boolean) {
  const t0 = performance.now()
  let inTokens = false
  const endTokens = () => { if (inTokens) { out.write('\n'); inTokens = false } }
  return (e: CliEvent) => {
    // messages as the API sends them ({type, content, ...}), not LangChain's serialization
    if (json) { out.write(`${wireJson(e)}\n`); return }
    const dim = (s: string) => (out.isTTY ? `\x1b[2m${s}\x1b[0m` : s)
    switch (e.type) {
      case 'run_start':
        out.write(`${e.kind === 'input' ? 'run' : e.kind} ${e.graph} · thread ${e.thread_id} · model ${e.model}\n`); break
      case 'node_start':
        endTokens(); out.write(`▶ ${e.node}\n`); break
      case 'token':
        if (!inTokens) { out.write(dim('  │ ')); inTokens = true }
        out.write(dim(e.text.replaceAll('\n', '\n  │ '))); break
      case 'node_end':
        endTokens()
        out.write(`${e.error ? '✖' : e.interrupted ? '⏸' : '✔'} ${e.node} ${dim(`(${fmtMs(e.elapsed_ms)})`)}${e.error ? ` ${e.error}` : ''}\n`); break
      case 'custom': {
        const d = e.data as { type?: unknown; step?: unknown; hit?: unknown } | null
        endTokens()
        if (d?.type === 'step_cache') out.write(dim(`  cache ${d.hit ? 'hit' : 'miss'}: ${String(d.step)}\n`))
        else out.write(dim(`  ${JSON.stringify(e.data)}\n`))
        break
      }
      case 'checkpoint': case 'error': break
      case 'result':
        endTokens(); renderResult(out, e, performance.now() - t0); break
    }
  }
}

function renderResult(out: Out, r: RunResult, ms: number) {
  const output = r.output as Record<string, unknown> | null
  if (r.status === 'success') {
    if (output && typeof output.final_report === 'string') out.write(`\n${output.final_report}\n\n`)
    else if (output && typeof output.outcome === 'string') out.write(`\noutcome: ${output.outcome}\n`)
    else if (output && output.status === 'succeeded' && output.outputs && typeof output.outputs === 'object') {
      out.write(`\noutputs: ${JSON.stringify(output.outputs, null, 2)}\n`) // a YAML workflow's outputs
    }
    out.write(`✔ completed in ${fmtMs(Math.round(ms))} · thread ${r.thread_id}\n`)
  } else if (r.status === 'interrupted') {
    for (const i of r.interrupts) out.write(`\n⏸ ${i.node} is waiting for a human:\n${JSON.stringify(i.value, null, 2)}\n`)
    out.write(`\nthread ${r.thread_id}: answer with\n  switchyard resume ${r.thread_id} --approve | --reject REASON | --amend JSON | --value JSON\n`)
  } else if (r.status === 'paused') {
    out.write(`⏸ paused before ${r.next.join(', ')} · thread ${r.thread_id}\n  continue with: switchyard resume ${r.thread_id}\n`)
  } else if (r.status === 'cancelled') {
    out.write(`■ cancelled · thread ${r.thread_id} (checkpoints kept; continue with: switchyard resume ${r.thread_id})\n`)
  } else {
    out.write(`✖ failed: ${r.error?.code ?? ''} ${r.error?.message ?? ''} · thread ${r.thread_id}\n`)
  }
}

export const exitCodeOf = (r: RunResult): number =>
  ({ success: EXIT.OK, interrupted: EXIT.INTERRUPTED, paused: EXIT.INTERRUPTED, cancelled: EXIT.CANCELLED, error: EXIT.FAILED })[r.status]
