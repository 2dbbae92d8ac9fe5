/** A discount rule: a percentage off above a threshold, or a fixed amount off with a code. */
export type Discount =
  | { kind: 'percent'; percent: number; minCents: number }
  | { kind: 'fixed'; cents: number; code: string }

/** Cents taken off `subtotalCents` by `d` (never more than the subtotal). */
export function discountCents(subtotalCents: number, d: Discount, code?: string): number {
  if (d.kind === 'percent') {
    if (subtotalCents < d.minCents) return 0
    return Math.round((subtotalCents * d.percent) / 100)
  }
  if (code !== d.code) return 0
  return Math.min(d.cents, subtotalCents)
}

/** The best of several discounts for this subtotal and code. */
export function bestDiscountCents(subtotalCents: number, ds: Discount[], code?: string): number {
  return ds.reduce((best, d) => Math.max(best, discountCents(subtotalCents, d, code)), 0)
}
