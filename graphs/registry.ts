import type { BaseChatModel } from '@langchain/core/language_models/chat_models'
import type { CompiledStateGraph } from '@langchain/langgraph'
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint'
import type { ZodType } from 'zod'
import type { DocSearch } from '../agents/retriever-tool.js'
import { AppError } from '../store/app-error.js'
import { buildChatGraph, ChatInput, ChatOrTask } from './chat-graph.js'
import { buildSdlcGraph } from './sdlc-graph.js'
import { buildTeamGraph } from './team-graph.js'
import { TaskInput } from './task-input.js'

/** What every graph factory receives: clients arrive as arguments, never module globals. */
export interface GraphDeps {
  checkpointer: BaseCheckpointSaver
  model: BaseChatModel
  modelLabel: string
  docs: DocSearch
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- type plumbing: the runner drives graphs of any state shape
export type AnyGraph = CompiledStateGraph<any, any, any, any, any, any, any, any>

export interface GraphDefinition {
  name: string
  description: string
  /** Parses the run input; throws a zod error on bad input. */
  parseInput(input: unknown): unknown
  /** The input's schema, if it has one (the server publishes it as JSON Schema). */
  inputSchema?: ZodType
  build(deps: GraphDeps): AnyGraph
  /** A graph made anew for each run from its config (a langgraph.json factory export); `build`'s graph serves the rest. */
  buildForRun?(deps: GraphDeps, config: { configurable: Record<string, unknown> }): Promise<AnyGraph>
  /**
   * For graphs that finish normally yet report failure in their state (a YAML workflow whose step
   * failed unhandled ends with `status: 'failed'`): the error the run settles with, from its final values.
   */
  failureOf?(values: unknown): { code: string; message: string } | undefined
}

/** Parses a run input with a zod schema; failures are typed VALIDATION errors naming the field. */
export function parseInputWith<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, input: unknown): T {
  const r = schema.safeParse(input)
  if (r.success) return r.data
  const why = r.error.issues.map((i) => `${i.path.map(String).join('.') || 'input'}: ${i.message}`).join('; ')
  throw new AppError('VALIDATION', `invalid input: ${why}`)
}

const BUILT_IN: GraphDefinition[] = [
  {
    name: 'chat',
    description: 'a chat agent over the thread\'s messages, with the RAG retriever as its search_docs tool (for chat UIs)',
    parseInput: (i) => parseInputWith(ChatOrTask, i),
    inputSchema: ChatInput,
    build: (d) => buildChatGraph({ model: d.model, docs: d.docs, checkpointer: d.checkpointer }) as unknown as AnyGraph,
  },
  {
    name: 'team',
    description: 'seed 002: a driver routes the task to a researcher (RAG, cited) and a generator (designs a specialist agent), then aggregates a report',
    parseInput: (i) => parseInputWith(TaskInput, i),
    inputSchema: TaskInput,
    build: (d) => buildTeamGraph({ model: d.model, docs: d.docs, modelLabel: d.modelLabel, checkpointer: d.checkpointer }) as unknown as AnyGraph,
  },
  {
    name: 'sdlc',
    description: 'seed 004: analyst → architect → developer → tester → deployer, a human gate (approve, reject, amend) after each phase',
    parseInput: (i) => parseInputWith(TaskInput, i),
    inputSchema: TaskInput,
    build: (d) => buildSdlcGraph({ model: d.model, checkpointer: d.checkpointer }) as unknown as AnyGraph,
  },
]

/** Maps graph names to factories: the built-in graphs (unless constructed with others), YAML workflows, langgraph.json graphs. */
export class GraphRegistry {
  readonly #graphs = new Map<string, GraphDefinition>()

  constructor(defs: GraphDefinition[] = BUILT_IN) {
    for (const d of defs) this.register(d)
  }

  /** Adds a graph; a name already registered is a CONFLICT unless `replace` (a langgraph.json graph over a built-in). */
  register(def: GraphDefinition, o: { replace?: boolean } = {}): void {
    if (this.#graphs.has(def.name) && !o.replace) throw new AppError('CONFLICT', `graph ${def.name} is already registered`)
    this.#graphs.set(def.name, def)
  }

  get(name: string): GraphDefinition {
    const def = this.#graphs.get(name)
    if (!def) throw new AppError('NOT_FOUND', `unknown graph "${name}" (known: ${this.names().join(', ')})`)
    return def
  }

  has(name: string): boolean {
    return this.#graphs.has(name)
  }

  names(): string[] {
    return [...this.#graphs.keys()].sort()
  }

  list(): GraphDefinition[] {
    return this.names().map((n) => this.get(n))
  }
}
