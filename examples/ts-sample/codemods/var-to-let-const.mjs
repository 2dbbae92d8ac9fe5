#!/usr/bin/env node
// Codemod: turns `var` declarations into `const` (never reassigned) or `let`, using the TypeScript
// compiler API to find declarations and assignments. Usage:
//   node var-to-let-const.mjs <file-or-folder>... [--dry-run]
// Prints one JSON line per changed file ({file, changed}) and a summary line ({files, changed}).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'

const args = process.argv.slice(2)
const dryRun = args.includes('--dry-run')
const roots = args.filter((a) => a !== '--dry-run')
if (roots.length === 0) {
  console.error('usage: var-to-let-const.mjs <file-or-folder>... [--dry-run]')
  process.exit(2)
}

const files = (p) => (statSync(p).isDirectory()
  ? readdirSync(p).flatMap((n) => (n === 'node_modules' ? [] : files(join(p, n))))
  : /\.(ts|tsx|js|mjs)$/.test(p) ? [p] : [])

/** Names assigned anywhere after their declaration (=, op=, ++/--, for-in/of heads reuse). */
function reassigned(sf) {
  const names = new Set()
  const target = (e) => { if (ts.isIdentifier(e)) names.add(e.text) }
  const visit = (n) => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) target(n.left)
    if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) target(n.operand)
    ts.forEachChild(n, visit)
  }
  visit(sf)
  return names
}

function transform(text, file) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const again = reassigned(sf)
  const edits = []
  const visit = (n) => {
    if (ts.isVariableDeclarationList(n) && !(n.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const))) {
      const names = n.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []))
      const inLoopHead = ts.isForStatement(n.parent)
      const allInit = n.declarations.every((d) => d.initializer !== undefined) || ts.isForOfStatement(n.parent) || ts.isForInStatement(n.parent)
      const keyword = !inLoopHead && allInit && names.every((x) => !again.has(x)) ? 'const' : 'let'
      const start = n.getStart(sf)
      edits.push({ start, end: start + 3, keyword })
    }
    ts.forEachChild(n, visit)
  }
  visit(sf)
  let out = text
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.keyword + out.slice(e.end)
  return { out, changed: edits.length }
}

let total = 0
let changedFiles = 0
for (const file of roots.flatMap(files)) {
  const text = readFileSync(file, 'utf8')
  const { out, changed } = transform(text, file)
  if (changed === 0) continue
  total += changed
  changedFiles++
  if (!dryRun) writeFileSync(file, out)
  console.log(JSON.stringify({ file, changed }))
}
console.log(JSON.stringify({ files: changedFiles, changed: total, dry_run: dryRun }))
