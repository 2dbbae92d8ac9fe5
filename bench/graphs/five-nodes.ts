/** Benchmark graph: five trivial nodes in a line (one checkpoint per step). */
import { END, START, StateGraph } from '@langchain/langgraph'
import { BenchState, step } from './bench-state.js'

/** Compiled without a checkpointer: the server supplies its own. */
export const graph = new StateGraph(BenchState)
  .addNode('n1', step('n1'))
  .addNode('n2', step('n2'))
  .addNode('n3', step('n3'))
  .addNode('n4', step('n4'))
  .addNode('n5', step('n5'))
  .addEdge(START, 'n1')
  .addEdge('n1', 'n2')
  .addEdge('n2', 'n3')
  .addEdge('n3', 'n4')
  .addEdge('n4', 'n5')
  .addEdge('n5', END)
  .compile()
