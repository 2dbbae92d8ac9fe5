import type { Line } from './cart.js'

// Legacy code for the code-migration workflow: `var` everywhere (the codemod turns them into let/const).
export function totalsByPrefix(lines: Line[]): Record<string, number> {
  var out: Record<string, number> = {}
  for (var i = 0; i < lines.length; i++) {
    var line = lines[i]!
    var prefix = line.sku.split('-')[0]!
    out[prefix] = (out[prefix] ?? 0) + line.unitCents * line.qty
  }
  return out
}

export function countItems(lines: Line[]): number {
  var n = 0
  for (var l of lines) n += l.qty
  return n
}
