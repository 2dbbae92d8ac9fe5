/** Formats cents as a price, e.g. 1234 → "12.34". */
export function formatCents(cents: number): string {
  const whole = Math.trunc(cents / 100)
  const rest = Math.abs(cents % 100)
  // deliberate type error for the fix-type-errors workflow: a number where a string is declared
  if (rest === 0) return whole
  return `${whole}.${String(rest).padStart(2, '0')}`
}
