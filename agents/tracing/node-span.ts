import { context, createContextKey, SpanKind, type Attributes } from '@opentelemetry/api'
import { inSpan } from './span-helpers.js'
import { ATTR, GEN_AI_OPERATION, SPAN } from './trace-names.js'

// set by an agent node's span: the agent of that name runs in it instead of opening a span of its own
const AGENT_NODE = createContextKey('switchyard.agent-node')

/** Whether the active span is the `invoke_agent` span of the node running agent `name`. */
export const inAgentNode = (name: string): boolean => context.active().getValue(AGENT_NODE) === name

/**
 * Wraps a LangGraph node function so each execution runs inside a span: `invoke_agent {name}` for a
 * node that runs an agent (`agent: true`; the agent of the same name records into it), `node {name}`
 * otherwise. Interrupts are not failures (`switchyard.node.interrupted`); a retried node gets one span
 * per attempt.
 *
 * @example
 * new StateGraph(S).addNode('driver', traceNode('driver', driver, { agent: true }), { retryPolicy })
 */
export function traceNode<A extends unknown[], R>(name: string, fn: (...args: A) => R | Promise<R>, opts: { agent?: boolean; attributes?: Attributes } = {}): (...args: A) => Promise<R> {
  const attributes: Attributes = opts.agent
    ? { [ATTR.operationName]: GEN_AI_OPERATION.agent, [ATTR.agentName]: name, [ATTR.nodeName]: name, ...opts.attributes }
    : { [ATTR.nodeName]: name, ...opts.attributes }
  const spanName = opts.agent ? SPAN.agent(name) : SPAN.node(name)
  return (...args: A) => inSpan(spanName, { kind: SpanKind.INTERNAL, attributes }, async () => {
    if (!opts.agent) return fn(...args)
    return context.with(context.active().setValue(AGENT_NODE, name), () => Promise.resolve(fn(...args)))
  })
}
