import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint'
import type { BaseChatModel } from '@langchain/core/language_models/chat_models'
import type { LangGraphRunnableConfig } from '@langchain/langgraph'
import { Annotation, END, START, StateGraph } from '@langchain/langgraph'
import { createAgent, isHandoffError } from '../agents/agent-node.js'
import { createRetrieverTool, type DocSearch } from '../agents/retriever-tool.js'
import { traceNode } from '../agents/tracing/node-span.js'
import {
  driverHandoff, ResearchHandoff, SpecialistHandoff, TEAM_ROUTES, type ResearchHandoff as Research,
  type Source, type SpecialistHandoff as Specialist, type TeamRoute, type TeamStep,
} from './team-schemas.js'
import { renderTeamReport } from './team-report.js'

export const TeamState = Annotation.Root({
  task: Annotation<string>,
  analysis: Annotation<string | null>({ reducer: (_a, b) => b, default: () => null }),
  next: Annotation<TeamRoute | null>({ reducer: (_a, b) => b, default: () => null }),
  research: Annotation<(Research & { sources: Source[] }) | null>({ reducer: (_a, b) => b, default: () => null }),
  specialist: Annotation<Specialist | null>({ reducer: (_a, b) => b, default: () => null }),
  steps: Annotation<TeamStep[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  final_report: Annotation<string | null>({ reducer: (_a, b) => b, default: () => null }),
})
export type TeamStateT = typeof TeamState.State



export interface TeamDeps {
  model: BaseChatModel
  docs: DocSearch
  /** Shown in the report so nobody mistakes offline output for a real model's. */
  modelLabel: string
  checkpointer?: BaseCheckpointSaver
}

const retry = { maxAttempts: 3, retryOn: isHandoffError, initialInterval: 50, jitter: false }

const openRoutes = (s: TeamStateT): [TeamRoute, ...TeamRoute[]] => {
  const done = new Set(s.steps.map((st) => st.agent))
  const open = TEAM_ROUTES.filter((r) => r === 'report' || !done.has(r))
  return open as [TeamRoute, ...TeamRoute[]]
}

const contextOf = (s: TeamStateT) =>
  s.steps.map((st) => `step ${st.step} (${st.agent}): ${JSON.stringify(st.result)}`).join('\n') || 'No step has run yet.'

/**
 * seed 002's team: the driver analyses the task and routes to the researcher (RAG), the generator
 * (designs a specialist agent) or straight to the report; it sees every result and aggregates them.
 */
export function buildTeamGraph(deps: TeamDeps) {
  const driver = async (s: TeamStateT, config: LangGraphRunnableConfig): Promise<Partial<TeamStateT>> => {
    const agent = createAgent({
      name: 'driver', role: 'Driver (lead of the team)',
      systemPrompt: 'Analyse the task, decide who works on it next, and when enough is known send it to the report.',
      handoff: driverHandoff(openRoutes(s)),
    }, deps.model)
    const { handoff } = await agent.run({ task: s.task, context: contextOf(s) }, config)
    return {
      analysis: s.analysis ?? handoff.analysis,
      next: handoff.next,
      steps: [{ step: s.steps.length + 1, agent: 'driver', result: { analysis: handoff.analysis, next: handoff.next, reason: handoff.reason } }],
    }
  }

  const researcher = async (s: TeamStateT, config: LangGraphRunnableConfig): Promise<Partial<TeamStateT>> => {
    // Record what the tool returned, so the sources list names real documents, whatever the model says.
    let lastHits: Awaited<ReturnType<DocSearch['search']>> = []
    const recording: DocSearch = { search: async (q, o) => (lastHits = await deps.docs.search(q, o)) }
    const agent = createAgent({
      name: 'researcher', role: 'Researcher',
      systemPrompt: 'Answer the task from the documents found with search_docs. Cite every claim as [n] after the numbered results.',
      tools: [createRetrieverTool(recording)], handoff: ResearchHandoff,
    }, deps.model)
    const { handoff } = await agent.run({ task: s.task, context: contextOf(s) }, config)
    const sources = lastHits.map((h, i) => ({ n: i + 1, title: h.title, source: h.source }))
    const cited = sources.filter((src) => handoff.citations.includes(src.n) || handoff.answer.includes(`[${src.n}]`))
    const research = { ...handoff, sources: cited.length > 0 ? cited : sources }
    return { research, steps: [{ step: s.steps.length + 1, agent: 'researcher', result: research }] }
  }

  const generator = async (s: TeamStateT, config: LangGraphRunnableConfig): Promise<Partial<TeamStateT>> => {
    const agent = createAgent({
      name: 'generator', role: 'Generator (designs specialist agents)',
      systemPrompt: 'Design one specialist agent able to carry out the task: name, role, system prompt, tools and the fields of its result.',
      handoff: SpecialistHandoff,
    }, deps.model)
    const { handoff } = await agent.run({ task: s.task, context: contextOf(s) }, config)
    return { specialist: handoff, steps: [{ step: s.steps.length + 1, agent: 'generator', result: handoff }] }
  }

  const report = async (s: TeamStateT): Promise<Partial<TeamStateT>> => {
    const text = renderTeamReport(s, deps.modelLabel)
    return { final_report: text, steps: [{ step: s.steps.length + 1, agent: 'report', result: { chars: text.length } }] }
  }

  return new StateGraph(TeamState)
    .addNode('driver', traceNode('driver', driver, { agent: true }), { retryPolicy: retry, metadata: { kind: 'agent' } })
    .addNode('researcher', traceNode('researcher', researcher, { agent: true }), { retryPolicy: retry, metadata: { kind: 'agent' } })
    .addNode('generator', traceNode('generator', generator, { agent: true }), { retryPolicy: retry, metadata: { kind: 'agent' } })
    .addNode('report', traceNode('report', report), { metadata: { kind: 'step' } })
    .addEdge(START, 'driver')
    .addConditionalEdges('driver', (s: TeamStateT) => s.next ?? 'report', ['researcher', 'generator', 'report'])
    .addEdge('researcher', 'driver')
    .addEdge('generator', 'driver')
    .addEdge('report', END)
    .compile({ checkpointer: deps.checkpointer, name: 'team' })
}
