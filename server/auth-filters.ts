type Json = Record<string, unknown>

/** What an `Auth.on` handler may return besides a boolean: metadata conditions (`{owner: id}`, `{$eq}`, `{$contains}`). */
export type AuthFilters = Record<string, unknown>

/**
 * Whether `metadata` satisfies `filters`, with the official server's semantics: a plain value or `$eq` is
 * equality, `$contains` means the field is an array holding the value (every value, for a list).
 */
export function matchesAuthFilters(metadata: Json | undefined, filters: AuthFilters | undefined): boolean {
  if (!filters) return true
  for (const [key, cond] of Object.entries(filters)) {
    const have = metadata?.[key]
    if (typeof cond === 'object' && cond !== null) {
      const c = cond as { $eq?: unknown; $contains?: unknown }
      if (c.$eq !== undefined) {
        if (have !== c.$eq) return false
      } else if (c.$contains !== undefined) {
        if (!Array.isArray(have)) return false
        const wanted = Array.isArray(c.$contains) ? c.$contains : [c.$contains]
        if (!wanted.every((w) => have.includes(w))) return false
      }
    } else if (have !== cond) return false
  }
  return true
}

/**
 * Folds the equality conditions of `filters` into a search body's `metadata` filter (so counts and pages
 * are exact), or returns undefined when they contradict it (the search then finds nothing).
 * `$contains` conditions stay for the results to be filtered by.
 */
export function narrowMetadata(given: unknown, filters: AuthFilters): Json | undefined {
  const out: Json = typeof given === 'object' && given !== null ? { ...(given as Json) } : {}
  for (const [key, cond] of Object.entries(filters)) {
    const eq = typeof cond === 'object' && cond !== null ? (cond as { $eq?: unknown }).$eq : cond
    if (eq === undefined) continue
    if (key in out && out[key] !== eq) return undefined
    out[key] = eq
  }
  return out
}

/** The fields a store item's filters are checked against, as in the official server. */
export const storeAuthFields = (namespace: unknown, key: unknown, value: unknown): Json =>
  ({ ...(typeof value === 'object' && value !== null ? value as Json : {}), namespace: namespace ?? [], ...(key == null ? {} : { key }) })
