/** Benchmark graph: a single trivial node (per-run overhead of the server, nothing else). */
import { END, START, StateGraph } from '@langchain/langgraph'
import { BenchState, step } from './bench-state.js'

/** Compiled without a checkpointer: the server supplies its own. */
export const graph = new StateGraph(BenchState)
  .addNode('only', step('only'))
  .addEdge(START, 'only')
  .addEdge('only', END)
  .compile()
