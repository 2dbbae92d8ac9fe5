import { Cart } from '../src/cart.js'

describe('Cart', () => {
  it('adds lines and sums them', () => {
    const c = new Cart()
    c.add('tea-green', 450, 2)
    c.add('cup-blue', 1200)
    expect(c.subtotalCents()).toBe(2100)
    expect(c.lines().map((l) => l.sku)).toEqual(['cup-blue', 'tea-green'])
  })

  it('merges quantities of the same product', () => {
    const c = new Cart()
    c.add('tea-green', 450)
    c.add('tea-green', 450, 3)
    expect(c.lines()).toEqual([{ sku: 'tea-green', unitCents: 450, qty: 4 }])
  })
})
