/**
 * JSON for the wire and the event log: LangChain messages (anything with `toDict`) become plain dicts
 * `{...data, type}` as the Platform API sends them; everything else as JSON.stringify does.
 */
export function serializeData(value: unknown): string {
  return JSON.stringify(value ?? null, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key]
    if (raw !== null && typeof raw === 'object' && 'toDict' in raw && typeof raw.toDict === 'function') {
      const { type, data } = (raw as { toDict(): { type: string; data: Record<string, unknown> } }).toDict()
      return { ...data, type }
    }
    return v
  })
}

/** The `error` event's payload. */
export const errorData = (e: unknown) =>
  e instanceof Error ? { error: e.name, message: e.message } : { error: 'Error', message: String(e) }
