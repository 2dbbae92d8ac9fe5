/**
 * Polls `probe` every 20 ms until it returns something other than undefined; fails after `ms` naming `what`.
 * For a condition no event announces (a row another process writes, a file, a process gone). The ceiling is
 * generous on purpose: it only matters when the awaited condition never comes.
 */
export async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, ms = 45_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
