import type { BaseChatModel } from '@langchain/core/language_models/chat_models'
import type { LangGraphRunnableConfig } from '@langchain/langgraph'
import { Annotation, END, interrupt, START, StateGraph } from '@langchain/langgraph'
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint'
import { createAgent, isHandoffError } from '../agents/agent-node.js'
import { traceNode } from '../agents/tracing/node-span.js'
import { GateDecision, PHASE_ARTIFACTS, SDLC_PHASES, type GatePayload, type SdlcEvent, type SdlcPhase } from './sdlc-schemas.js'

/** A rejected phase runs again at most this many times; then the run stops. */
export const MAX_REJECTIONS = 3
/** A failing tester sends the work back to the developer at most this many times. */
export const MAX_TEST_LOOPS = 2

const merge = <T>(a: Record<string, T>, b: Record<string, T>) => ({ ...a, ...b })

export const SdlcState = Annotation.Root({
  task: Annotation<string>,
  artifacts: Annotation<Record<string, unknown>>({ reducer: merge, default: () => ({}) }),
  attempts: Annotation<Record<string, number>>({ reducer: merge, default: () => ({}) }),
  rejections: Annotation<Record<string, number>>({ reducer: merge, default: () => ({}) }),
  feedback: Annotation<Record<string, string | null>>({ reducer: merge, default: () => ({}) }),
  test_loops: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
  route: Annotation<string | null>({ reducer: (_a, b) => b, default: () => null }),
  log: Annotation<SdlcEvent[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  outcome: Annotation<string | null>({ reducer: (_a, b) => b, default: () => null }),
})
export type SdlcStateT = typeof SdlcState.State

export interface SdlcDeps { model: BaseChatModel; checkpointer?: BaseCheckpointSaver }

const ROLES: Record<SdlcPhase, string> = {
  analyst: 'Business analyst: turn the task into requirements and acceptance criteria.',
  architect: 'Software architect: design components and record key decisions.',
  developer: 'Developer: implement the design; list the files written.',
  tester: 'Tester: check the implementation against the acceptance criteria.',
  deployer: 'Deployer: plan the release and how to roll it back.',
}
const gateName = (p: SdlcPhase) => `review_${p}` as const
const nextPhase = (p: SdlcPhase): SdlcPhase | undefined => SDLC_PHASES[SDLC_PHASES.indexOf(p) + 1]

function contextFor(p: SdlcPhase, s: SdlcStateT): string {
  const parts = SDLC_PHASES.filter((q) => q !== p && s.artifacts[q] !== undefined)
    .map((q) => `${q} artifact: ${JSON.stringify(s.artifacts[q])}`)
  const fb = s.feedback[p]
  if (fb) parts.push(`A reviewer rejected your previous version: ${fb}. Address it.`)
  if (p === 'developer' && s.test_loops > 0) parts.push('The tester reported failures; fix them.')
  return parts.join('\n') || 'You are the first phase.'
}

const phaseNode = (p: SdlcPhase, deps: SdlcDeps) =>
  async (s: SdlcStateT, config: LangGraphRunnableConfig): Promise<Partial<SdlcStateT>> => {
    const agent = createAgent({ name: p, role: ROLES[p], systemPrompt: `You are the ${p} of a software delivery team.`, handoff: PHASE_ARTIFACTS[p] }, deps.model)
    const { handoff } = await agent.run({ task: s.task, context: contextFor(p, s) }, config)
    return { artifacts: { [p]: handoff }, attempts: { [p]: (s.attempts[p] ?? 0) + 1 } }
  }

/** A human gate: nothing before `interrupt()` has side effects, so re-running the node on resume is safe. */
const gateNode = (p: SdlcPhase) => (s: SdlcStateT): Partial<SdlcStateT> => {
  const attempt = s.attempts[p] ?? 1
  let error: string | undefined
  for (;;) {
    const payload: GatePayload & { error?: string } = { kind: 'approval', phase: p, attempt, artifact: s.artifacts[p], actions: ['approve', 'reject', 'amend'], ...(error ? { error } : {}) }
    const parsed = GateDecision.safeParse(interrupt(payload))
    if (!parsed.success) { error = `invalid decision: ${parsed.error.issues.map((i) => i.message).join('; ')}`; continue }
    const d = parsed.data
    if (d.action === 'reject') {
      const n = (s.rejections[p] ?? 0) + 1
      const log: SdlcEvent = { phase: p, attempt, decision: 'reject', reason: d.reason }
      if (n > MAX_REJECTIONS) return { route: END, outcome: `stopped: ${p} rejected ${n} times`, rejections: { [p]: n }, log: [log] }
      return { route: p, rejections: { [p]: n }, feedback: { [p]: d.reason }, log: [log] }
    }
    let artifact = s.artifacts[p]
    if (d.action === 'amend') {
      const checked = PHASE_ARTIFACTS[p].safeParse(d.artifact)
      if (!checked.success) { error = `amended ${p} artifact does not match its schema: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`; continue }
      artifact = checked.data
    }
    const log: SdlcEvent = { phase: p, attempt, decision: d.action }
    const base = { artifacts: { [p]: artifact }, feedback: { [p]: null }, log: [log] }
    if (p === 'tester' && !(artifact as { passed: boolean }).passed) {
      if (s.test_loops >= MAX_TEST_LOOPS) return { ...base, route: END, outcome: `stopped: tests still failing after ${s.test_loops} fix rounds` }
      return { ...base, route: 'developer', test_loops: s.test_loops + 1 }
    }
    const next = nextPhase(p)
    return next ? { ...base, route: next } : { ...base, route: END, outcome: 'delivered' }
  }
}

/**
 * seed 004's delivery flow: analyst → architect → developer → tester → deployer, each phase followed by
 * a human gate answering approve, reject (the phase runs again with the reason) or amend (the human's
 * artifact replaces the agent's). A failing tester sends the work back to the developer.
 */
export function buildSdlcGraph(deps: SdlcDeps) {
  const retry = { maxAttempts: 3, retryOn: isHandoffError, initialInterval: 50, jitter: false }
  // The builder's node-name type grows with each addNode; a loop over phases needs the wide type.
  let g = new StateGraph(SdlcState) as unknown as StateGraph<typeof SdlcState.spec, SdlcStateT, Partial<SdlcStateT>, string>
  for (const p of SDLC_PHASES) {
    g = g.addNode(p, traceNode(p, phaseNode(p, deps), { agent: true }), { retryPolicy: retry, metadata: { kind: 'agent' } })
      .addNode(gateName(p), traceNode(gateName(p), gateNode(p)), { metadata: { kind: 'human' } })
  }
  g = g.addEdge(START, 'analyst')
  for (const p of SDLC_PHASES) {
    const targets = [p, END, ...(nextPhase(p) ? [nextPhase(p) as string] : []), ...(p === 'tester' ? ['developer'] : [])]
    g = g.addEdge(p, gateName(p)).addConditionalEdges(gateName(p), (s: SdlcStateT) => s.route ?? END, targets)
  }
  return g.compile({ checkpointer: deps.checkpointer, name: 'sdlc' })
}
