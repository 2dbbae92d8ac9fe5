import type { ToolDefinition } from '@langchain/core/language_models/base'
import { z } from 'zod'
import { AppError, isAppError } from '../store/app-error.js'

/** Name of the tool every agent finishes with; its parameters are the agent's handoff schema. */
export const HANDOFF_TOOL_NAME = 'submit_handoff'

/**
 * True for the error an agent throws when its handoff is missing or does not match its schema:
 * the `retryOn` of a LangGraph node retry policy, so only that failure re-runs the node.
 *
 * @example graph.addNode('researcher', node, { retryPolicy: { maxAttempts: 3, retryOn: isHandoffError } })
 */
export const isHandoffError = (e: unknown): boolean => isAppError(e) && e.code === 'HANDOFF'

/** The `submit_handoff` tool, in OpenAI format, whose parameters are `schema` as JSON Schema. */
export function handoffToolDef(agent: string, schema: z.ZodType): ToolDefinition {
  // io 'input': fields with defaults are optional for the model, as safeParse treats them
  const { $schema: _drop, ...parameters } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })
  if (parameters.type !== 'object') {
    throw new AppError('VALIDATION', `agent ${agent}: the handoff schema must be a zod object`, { details: { agent } })
  }
  return {
    type: 'function',
    function: {
      name: HANDOFF_TOOL_NAME,
      description: `Submit the final result of the ${agent} agent. Call it exactly once, when the work is done.`,
      parameters,
    },
  }
}

/**
 * Validates handoff arguments against the agent's schema.
 *
 * @throws AppError `HANDOFF` with `details: { agent, issues, received }` when they do not match.
 */
export function parseHandoff<S extends z.ZodType>(agent: string, schema: S, args: unknown): z.infer<S> {
  const parsed = schema.safeParse(args)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
  throw new AppError('HANDOFF', `agent ${agent} handed off an invalid result: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, {
    details: { agent, issues, received: args },
  })
}

/**
 * Finds a handoff written as JSON in prose (some models behind Ollama answer that way instead of
 * calling the tool): the first parseable `{...}` object, unwrapped from `{ name, arguments }` /
 * `{ name, parameters }` when it names `submit_handoff`.
 */
export function handoffFromText(text: string): Record<string, unknown> | undefined {
  for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
    const end = matchingBrace(text, start)
    if (end < 0) continue
    let value: unknown
    try {
      value = JSON.parse(text.slice(start, end + 1))
    } catch {
      continue
    }
    if (!isRecord(value)) continue
    const inner = value.arguments ?? value.parameters ?? value.args
    if (value.name === HANDOFF_TOOL_NAME && (isRecord(inner) || typeof inner === 'string')) {
      return typeof inner === 'string' ? handoffFromText(inner) : inner
    }
    return value
  }
  return undefined
}

function matchingBrace(text: string, start: number): number {
  let depth = 0
  let inString = false
  for (let i = start; i < text.length; i++) {
    const ch = text[i]
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
    } else if (ch === '"') inString = true
    else if (ch === '{') depth++
    else if (ch === '}' && --depth === 0) return i
  }
  return -1
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
