import type { BaseChatModel } from '@langchain/core/language_models/chat_models'
import { SystemMessage } from '@langchain/core/messages'
import { END, MessagesAnnotation, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph'
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint'
import { ToolNode, toolsCondition } from '@langchain/langgraph/prebuilt'
import { z } from 'zod'
import { createRetrieverTool, type DocSearch } from '../agents/retriever-tool.js'
import { traceNode } from '../agents/tracing/node-span.js'
import { AppError } from '../store/app-error.js'

/** A chat turn's input: the new messages (`{role, content}` or LangChain message dicts), appended to the thread's. */
export const ChatInput = z.object({
  messages: z.array(z.union([z.string().min(1), z.looseObject({ content: z.unknown() })])).min(1),
})

/** What `parseInput` takes besides {@link ChatInput}: the CLI's `{task}` (`switchyard run chat --input TEXT`) as one user message. */
export const ChatOrTask = z.union([ChatInput, z.object({ task: z.string().min(1) }).transform((t) => ({ messages: [{ role: 'user', content: t.task }] }))])

const SYSTEM = 'You are the assistant of a Switchyard deployment. For questions about the indexed documents, '
  + 'call search_docs first and cite the numbered results as [n]; otherwise answer briefly.'

/**
 * `chat`: a messages-based agent — the shape chat front ends (agent-chat UIs, `useStream` with
 * `messagesKey: 'messages'`) expect. The model answers, calling `search_docs` (the RAG retriever)
 * when it wants; the loop ends when it replies without a tool call.
 */
export function buildChatGraph(d: { model: BaseChatModel; docs: DocSearch; checkpointer: BaseCheckpointSaver }) {
  const tools = [createRetrieverTool(d.docs)]
  if (!d.model.bindTools) throw new AppError('VALIDATION', `model ${d.model._llmType()} cannot call tools`)
  const model = d.model.bindTools(tools)
  return new StateGraph(MessagesAnnotation)
    .addNode('agent', traceNode('agent', async (s: typeof MessagesAnnotation.State, config: LangGraphRunnableConfig) =>
      ({ messages: [await model.invoke([new SystemMessage(SYSTEM), ...s.messages], config)] }), { agent: true }), { metadata: { kind: 'agent' } })
    .addNode('tools', new ToolNode(tools), { metadata: { kind: 'tool' } })
    .addEdge(START, 'agent')
    .addConditionalEdges('agent', toolsCondition, ['tools', END])
    .addEdge('tools', 'agent')
    .compile({ checkpointer: d.checkpointer })
}
