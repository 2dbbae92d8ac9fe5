import { ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { inSpan } from '../../agents/tracing/span-helpers.js'
import { ATTR, SPAN } from '../../agents/tracing/trace-names.js'
import { toAppError } from '../../store/app-error.js'
import { getAgentTree } from './agent-tree.js'
import { isDict, type CommandAnswer, type CommandContext } from './command-context.js'
import {
  CommandFrame, GetTreeParams, InputInjectParams, InputRespondParams, ListCheckpointsParams, ReconnectParams, RunStartParams,
  StateForkParams, StateGetParams, SubscribeParams, UnsubscribeParams, parseParams,
} from './protocol-frames.js'
import { errorFrame, protocolFault, successFrame, type ErrorFrame, type ServerFrame } from './protocol-wire.js'
import { injectInput } from './inject-command.js'
import { forkState, respondInput, startRun } from './run-commands.js'
import { getState, listCheckpoints } from './state-commands.js'
import { jsonTooDeep, MAX_JSON_DEPTH } from '../json-depth-limit.js'
import { reconnect, subscribe, unsubscribe } from './subscription-commands.js'

type Handler = (ctx: CommandContext, params: unknown, id: number) => Promise<CommandAnswer>

const COMMANDS: Record<string, Handler> = {
  'run.start': (ctx, p) => startRun(ctx, parseParams(RunStartParams, 'run.start', p)),
  'input.respond': (ctx, p) => respondInput(ctx, parseParams(InputRespondParams, 'input.respond', p)),
  'input.inject': (ctx, p) => injectInput(ctx, parseParams(InputInjectParams, 'input.inject', p)),
  'state.get': (ctx, p) => getState(ctx, parseParams(StateGetParams, 'state.get', p)),
  'state.listCheckpoints': (ctx, p) => listCheckpoints(ctx, parseParams(ListCheckpointsParams, 'state.listCheckpoints', p)),
  'state.fork': (ctx, p) => forkState(ctx, parseParams(StateForkParams, 'state.fork', p)),
  'subscription.subscribe': (ctx, p, id) => subscribe(ctx, id, parseParams(SubscribeParams, 'subscription.subscribe', p)),
  'subscription.unsubscribe': (ctx, p) => unsubscribe(ctx, parseParams(UnsubscribeParams, 'subscription.unsubscribe', p)),
  'subscription.reconnect': (ctx, p, id) => reconnect(ctx, id, parseParams(ReconnectParams, 'subscription.reconnect', p)),
  'agent.getTree': (ctx, p) => getAgentTree(ctx, parseParams(GetTreeParams, 'agent.getTree', p)),
}

/** The methods this server answers. */
export const PROTOCOL_METHODS = Object.keys(COMMANDS)

/**
 * Parses one client frame: a command, or the error frame that answers it (not JSON: `invalid_argument`
 * with id null; no integer id or no method: `invalid_argument`, with the id when there is one).
 */
export function parseFrame(text: string): { command: CommandFrame } | { error: ErrorFrame } {
  let json: unknown
  if (jsonTooDeep(text)) return { error: errorFrame(null, protocolFault('invalid_argument', `protocol commands may nest at most ${MAX_JSON_DEPTH} levels of arrays and objects`)) }
  try {
    json = JSON.parse(text)
  } catch {
    return { error: errorFrame(null, protocolFault('invalid_argument', 'protocol commands must be valid JSON')) }
  }
  const r = CommandFrame.safeParse(json)
  if (r.success) return { command: r.data }
  const id = isDict(json) && typeof json.id === 'number' && Number.isSafeInteger(json.id) && json.id >= 0 ? json.id : null
  return { error: errorFrame(id, protocolFault('invalid_argument', 'protocol commands are {"id": integer ≥ 0, "method": string, "params"?: object}', { details: { issues: r.error.issues } })) }
}

/**
 * Runs a command and returns its answer frame (null when the handler sent it itself, as subscriptions do
 * to put it before their replay). Every failure is an error frame with the command's id; internal ones are
 * also reported to `log`.
 */
export function runCommand(ctx: CommandContext, cmd: CommandFrame, log?: (e: Error) => void): Promise<ServerFrame | null> {
  // each command is a trace of its own (a socket lives far longer than one unit of work); a run it starts is its child
  const attributes = { [ATTR.protocolMethod]: cmd.method, [ATTR.protocolCommandId]: cmd.id }
  return inSpan(SPAN.wsCommand(cmd.method), { kind: SpanKind.SERVER, attributes }, async (span) => {
    const frame = await dispatch(ctx, cmd, log)
    if (frame?.type === 'error') {
      span.setAttribute(ATTR.errorType, frame.code)
      if (frame.code === 'INTERNAL') span.setStatus({ code: SpanStatusCode.ERROR, message: frame.message })
    }
    return frame
  }, ROOT_CONTEXT)
}

async function dispatch(ctx: CommandContext, cmd: CommandFrame, log?: (e: Error) => void): Promise<ServerFrame | null> {
  const handler = Object.hasOwn(COMMANDS, cmd.method) ? COMMANDS[cmd.method] : undefined
  if (!handler) return errorFrame(cmd.id, protocolFault('unknown_command', `unknown command ${cmd.method}`, { details: { methods: PROTOCOL_METHODS } }))
  try {
    const answer = await handler(ctx, cmd.params ?? {}, cmd.id)
    return answer && successFrame(cmd.id, answer.result, answer.meta)
  } catch (e) {
    const frame = errorFrame(cmd.id, e)
    if (frame.code === 'INTERNAL') log?.(toAppError(e))
    return frame
  }
}
