/** A line of a cart: a product, its unit price in cents and a quantity. */
export interface Line { sku: string; unitCents: number; qty: number }

export class Cart {
  readonly #lines = new Map<string, Line>()

  add(sku: string, unitCents: number, qty = 1): void {
    if (!Number.isInteger(unitCents) || unitCents < 0) throw new RangeError(`bad price for ${sku}: ${unitCents}`)
    if (!Number.isInteger(qty) || qty <= 0) throw new RangeError(`bad quantity for ${sku}: ${qty}`)
    const line = this.#lines.get(sku)
    this.#lines.set(sku, { sku, unitCents, qty: (line?.qty ?? 0) + qty })
  }

  remove(sku: string, qty = Infinity): void {
    const line = this.#lines.get(sku)
    if (!line) return
    if (qty >= line.qty) this.#lines.delete(sku)
    else this.#lines.set(sku, { ...line, qty: line.qty - qty })
  }

  lines(): Line[] {
    return [...this.#lines.values()].sort((a, b) => a.sku.localeCompare(b.sku))
  }

  subtotalCents(): number {
    return this.lines().reduce((sum, l) => sum + l.unitCents * l.qty, 0)
  }

  isEmpty(): boolean {
    return this.#lines.size === 0
  }
}
