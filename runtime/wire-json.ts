interface Dictable { toDict(): { type: string; data: Record<string, unknown> } }
const isDictable = (v: unknown): v is Dictable =>
  typeof v === 'object' && v !== null && 'toDict' in v && typeof v.toDict === 'function'

/**
 * JSON as the Platform API sends it: LangChain messages (anything with `toDict`) become `{...data, type}`,
 * Dates ISO strings, everything else as JSON.stringify does.
 */
export function wireJson(value: unknown): string {
  return JSON.stringify(value ?? null, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key]
    if (isDictable(raw)) {
      const { type, data } = raw.toDict()
      return { ...data, type }
    }
    return v
  })
}
