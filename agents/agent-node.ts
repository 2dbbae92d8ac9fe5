import type { BaseChatModel } from '@langchain/core/language_models/chat_models'
import type { AIMessage, BaseMessage, ToolCall } from '@langchain/core/messages'
import { HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages'
import type { RunnableConfig } from '@langchain/core/runnables'
import type { StructuredToolInterface } from '@langchain/core/tools'
import type { z } from 'zod'
import { AppError } from '../store/app-error.js'
import { redactError, redactText } from '../store/secret-redaction.js'
import { HANDOFF_TOOL_NAME, handoffFromText, handoffToolDef, parseHandoff } from './handoff.js'
import { inAgentNode } from './tracing/node-span.js'
import { contentJson, failSpan, inSpan, traceContent } from './tracing/span-helpers.js'
import { ATTR, GEN_AI_OPERATION, SPAN } from './tracing/trace-names.js'

export { isHandoffError, HANDOFF_TOOL_NAME } from './handoff.js'

/** What an agent is: who it is, what it may call, and the shape of the result it hands off. */
export interface AgentSpec<S extends z.ZodType> {
  name: string
  role: string
  systemPrompt: string
  tools?: StructuredToolInterface[]
  /** Schema of the result; the model submits it as the arguments of `submit_handoff`. */
  handoff: S
  /** Rounds of tool execution before the agent must hand off (default 4). */
  maxToolRounds?: number
}

/** One executed tool call; `artifact` is the tool's artifact (e.g. `search_docs` hits), if any. */
export interface AgentToolCall {
  name: string
  args: unknown
  output: string
  artifact?: unknown
}

/** A finished agent run: the validated handoff, the model's prose (often empty) and its tool calls. */
export interface AgentResult<T> {
  handoff: T
  text: string
  toolCalls: AgentToolCall[]
}

/** An agent built by {@link createAgent}. */
export interface Agent<S extends z.ZodType> {
  spec: AgentSpec<S>
  run(input: { task: string; context?: string }, config?: RunnableConfig): Promise<AgentResult<z.infer<S>>>
}

/**
 * Builds a tool-calling agent: the model sees the spec's tools plus `submit_handoff` (parameters =
 * the handoff schema), tool calls are executed and answered with ToolMessages, and the run ends
 * when the model submits its handoff. The last round offers only `submit_handoff`.
 * Pass the node's `config` to `run` so LangGraph streams the model's tokens and sees its callbacks.
 *
 * @throws AppError `HANDOFF` when no handoff arrives within `maxToolRounds` or it fails the schema
 *   (retry the node with `retryOn: isHandoffError`).
 * @example
 * const agent = createAgent({ name: 'researcher', role: 'Researcher', systemPrompt: 'Cite [n].',
 *   tools: [createRetrieverTool(docs)], handoff: z.object({ answer: z.string() }) }, model)
 * const { handoff } = await agent.run({ task: 'How are runs resumed?' }, config)
 */
export function createAgent<S extends z.ZodType>(spec: AgentSpec<S>, model: BaseChatModel): Agent<S> {
  if (!model.bindTools) throw new AppError('VALIDATION', `model ${model._llmType()} cannot call tools`)
  const tools = new Map((spec.tools ?? []).map((t) => [t.name, t]))
  const handoffDef = handoffToolDef(spec.name, spec.handoff)
  const withTools = model.bindTools([...tools.values(), handoffDef])
  const finishOnly = tools.size > 0 ? model.bindTools([handoffDef]) : withTools
  const maxRounds = spec.maxToolRounds ?? 4

  // inside an agent node's span (traceNode with agent: true) the agent records there; elsewhere it opens its own
  const run = (input: { task: string; context?: string }, config?: RunnableConfig) => inAgentNode(spec.name)
    ? loop(input, config)
    : inSpan(SPAN.agent(spec.name), { attributes: { [ATTR.operationName]: GEN_AI_OPERATION.agent, [ATTR.agentName]: spec.name } }, () => loop(input, config))

  async function loop(input: { task: string; context?: string }, config?: RunnableConfig) {
    const messages: BaseMessage[] = [new SystemMessage(systemPrompt(spec, input.context)), new HumanMessage(input.task)]
    const texts: string[] = []
    const toolCalls: AgentToolCall[] = []
    const done = (args: unknown) => ({ handoff: parseHandoff(spec.name, spec.handoff, args), text: texts.join('\n'), toolCalls })
    for (let round = 0; ; round++) {
      const last = round >= maxRounds
      const reply = (await (last ? finishOnly : withTools).invoke(messages, config)) as AIMessage
      messages.push(reply)
      if (reply.text.trim()) texts.push(reply.text.trim())
      const calls = reply.tool_calls ?? []
      const handoff = calls.find((c) => c.name === HANDOFF_TOOL_NAME)
      if (handoff) return done(handoff.args)
      const fromText = calls.length === 0 ? handoffFromText(reply.text) : undefined
      if (fromText) return done(fromText)
      if (last) {
        throw new AppError('HANDOFF', `agent ${spec.name} did not call ${HANDOFF_TOOL_NAME} within ${maxRounds} tool rounds`, {
          details: { agent: spec.name, issues: [{ path: '', message: 'no handoff' }], text: texts.join('\n') },
        })
      }
      if (calls.length === 0) {
        messages.push(new HumanMessage(`Now call ${HANDOFF_TOOL_NAME} with your result.`))
        continue
      }
      for (const call of calls) {
        const result = await execute(tools.get(call.name), call, config)
        messages.push(result)
        toolCalls.push({ name: call.name, args: call.args, output: result.text, artifact: result.artifact })
      }
    }
  }
  return { spec, run }
}

function systemPrompt(spec: AgentSpec<z.ZodType>, context?: string): string {
  return [
    `You are the ${spec.role} (agent "${spec.name}").`,
    spec.systemPrompt,
    context?.trim() ? `Context from earlier steps:\n${context.trim()}` : '',
    `When you are done, call the ${HANDOFF_TOOL_NAME} tool once; its arguments are your result and must match its schema.`,
  ].filter(Boolean).join('\n\n')
}

/**
 * Runs one tool call inside an `execute_tool {name}` span (its arguments and result on the span only
 * with SWITCHYARD_TRACE_CONTENT=1). A failing tool answers the model with an error ToolMessage and
 * marks the span failed (`error.type`).
 */
function execute(tool: StructuredToolInterface | undefined, call: ToolCall, config?: RunnableConfig): Promise<ToolMessage> {
  const attributes = { [ATTR.operationName]: GEN_AI_OPERATION.tool, [ATTR.toolName]: call.name, [ATTR.toolCallId]: call.id ?? '', [ATTR.toolType]: 'function' }
  return inSpan(SPAN.tool(call.name), { attributes }, async (span) => {
    const content = span.isRecording() && traceContent()
    if (content) span.setAttribute(ATTR.toolCallArguments, contentJson(call.args))
    let thrown: unknown
    const result = await executeCall(tool, call, config, (e) => { thrown = e })
    if (result.status === 'error') {
      failSpan(span, thrown ?? new AppError('NOT_FOUND', result.text))
      if (!tool) span.setAttribute(ATTR.errorType, 'tool_not_found')
    }
    if (content) span.setAttribute(ATTR.toolCallResult, contentJson(result.text))
    return result
  })
}

async function executeCall(tool: StructuredToolInterface | undefined, call: ToolCall, config: RunnableConfig | undefined, onError: (e: unknown) => void): Promise<ToolMessage> {
  const id = call.id ?? ''
  if (!tool) return new ToolMessage({ content: `Error: no tool named ${call.name}.`, tool_call_id: id, name: call.name, status: 'error' })
  try {
    const out: unknown = await tool.invoke({ ...call, id, type: 'tool_call' }, config)
    if (ToolMessage.isInstance(out)) return out
    const content = typeof out === 'string' ? out : JSON.stringify(out)
    return new ToolMessage({ content, tool_call_id: id, name: call.name })
  } catch (e) {
    // a cancelled run must stop, not be reported to the model as a tool failure
    if (config?.signal?.aborted) throw e
    onError(redactError(e))
    const message = redactText(e instanceof Error ? e.message : String(e))
    return new ToolMessage({ content: `Error: ${message}`, tool_call_id: id, name: call.name, status: 'error' })
  }
}
