import { z } from 'zod'
import type { ThreadState } from './thread-state.js'

export const STATE_FIELDS = ['values', 'next', 'tasks', 'checkpoint', 'metadata', 'created_at', 'parent_checkpoint', 'interrupts'] as const

const field = z.string().refine((f) => (STATE_FIELDS as readonly string[]).includes(f) || /^values\.[^.]+$/.test(f), {
  message: `a field of ${STATE_FIELDS.join(', ')}, or values.<key>`,
})

/** `select` of a state or history request: in a body an array; in a query repeated (`select=a&select=b`) or one value. */
export const StateSelect = z.array(field).max(50).nullish()
export const StateSelectQuery = z.union([field, z.array(field).max(50)]).optional().transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]))

/**
 * The fields of a thread state a client asked for (all when `select` is empty). `values.<key>` keeps
 * only those keys of `values`; `interrupts` is the pending interrupts of every task, flattened.
 *
 * @example
 * selectState(state, ['values.messages', 'next']) // { values: { messages: [...] }, next: [...] }
 */
export function selectState(state: ThreadState, select?: readonly string[] | null): Record<string, unknown> {
  if (!select?.length) return state as unknown as Record<string, unknown>
  const all = { ...state, interrupts: state.tasks.flatMap((t) => t.interrupts) } as Record<string, unknown>
  const out: Record<string, unknown> = {}
  const keys: string[] = []
  for (const f of select) {
    if (f.startsWith('values.')) keys.push(f.slice('values.'.length))
    else out[f] = all[f]
  }
  if (keys.length > 0 && !select.includes('values')) {
    const values = (state.values ?? {}) as Record<string, unknown>
    out.values = Object.fromEntries(keys.filter((k) => k in values).map((k) => [k, values[k]]))
  }
  return out
}
