import { Annotation, END, interrupt, MessagesAnnotation, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph'
import { z } from 'zod'
import { parseInputWith, type AnyGraph, type GraphDefinition } from '../../graphs/registry.js'

const ParentState = Annotation.Root({
  ...MessagesAnnotation.spec,
  topic: Annotation<string>,
  notes: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
})
const ChildState = Annotation.Root({
  topic: Annotation<string>,
  notes: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  /** The child's own key: the parent's state never has it. */
  draft: Annotation<string>,
})
const InnerState = Annotation.Root({ topic: Annotation<string>, shout: Annotation<string> })

/** A subgraph declared as a node: `outline` drafts, `review` waits at an interrupt for a verdict (not for a `quick…` topic). */
const buildChild = () => new StateGraph(ChildState)
  .addNode('outline', (s) => ({ draft: `outline of ${s.topic}` }))
  .addNode('review', (s) => ({ notes: [`${s.draft}: ${s.topic.startsWith('quick') ? 'kept' : String(interrupt({ question: 'keep the outline?' }))}`] }))
  .addEdge(START, 'outline').addEdge('outline', 'review').addEdge('review', END)
  .compile()

/** A subgraph no node declares: the `helper` node invokes it with its own config (as a tool or a YAML step would). */
const inner = new StateGraph(InnerState)
  .addNode('upper', (s) => ({ shout: s.topic.toUpperCase() }))
  .addEdge(START, 'upper').addEdge('upper', END)
  .compile()

/**
 * `nested`, a test graph: `helper` (runs the undeclared subgraph `inner`; 400 ms first for a topic with
 * `slow`) → `child` (a declared subgraph that interrupts in `review`) → `finish`. Its state has `messages`,
 * so `input.inject` applies to it.
 */
export const nestedGraph: GraphDefinition = {
  name: 'nested',
  description: 'test graph: a declared subgraph with an interrupt, an undeclared one, a messages channel',
  parseInput: (i) => parseInputWith(z.object({ topic: z.string().optional(), messages: z.array(z.unknown()).optional() }).strict(), i),
  build: (d) => new StateGraph(ParentState)
    .addNode('helper', async (s, config: LangGraphRunnableConfig) => {
      if (s.topic.includes('slow')) await new Promise((resolve) => setTimeout(resolve, 400))
      return { notes: [(await inner.invoke({ topic: s.topic }, config)).shout] }
    })
    .addNode('child', buildChild())
    .addNode('finish', (s) => ({ notes: [`done after ${s.messages.length} messages`] }))
    .addEdge(START, 'helper').addEdge('helper', 'child').addEdge('child', 'finish').addEdge('finish', END)
    .compile({ checkpointer: d.checkpointer }) as unknown as AnyGraph,
}
