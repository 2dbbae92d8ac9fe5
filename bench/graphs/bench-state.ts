import { Annotation } from '@langchain/langgraph'

/** The benchmark graphs' state: a counter and the name of the last node, nothing more. */
export const BenchState = Annotation.Root({
  count: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
  last: Annotation<string>({ reducer: (_a, b) => b, default: () => '' }),
})

/** One trivial node: adds one to the counter and records its own name. */
export const step = (name: string) => (s: typeof BenchState.State): typeof BenchState.Update =>
  ({ count: s.count + 1, last: name })
