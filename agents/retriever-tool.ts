import { tool } from '@langchain/core/tools'
import { z } from 'zod'
import type { RagHit } from '../rag/fts-retriever.js'
import { contentJson, inSpan, traceContent } from './tracing/span-helpers.js'
import { ATTR, GEN_AI_OPERATION, SPAN } from './tracing/trace-names.js'

/** One retrieved chunk (the rag layer's hit). `id` is the chunk's id, `docId` its document's. */
export type DocHit = RagHit

/** The smallest search interface the agents need; rag/ retrievers satisfy it. */
export interface DocSearch {
  search(query: string, opts?: { k?: number }): Promise<DocHit[]>
}

/** Name of the retrieval tool; the offline model calls it first when it is bound. */
export const SEARCH_TOOL_NAME = 'search_docs'
/** Output of a search that found nothing. */
export const NO_MATCHES = 'No documents matched.'
const MAX_CHUNK_CHARS = 600

/**
 * Renders hits as the model reads them: `[n] <title> (<source>)`, then the chunk text on one line
 * (whitespace collapsed, cut near 600 characters), numbered from 1 in rank order.
 */
export function formatHits(hits: DocHit[]): string {
  if (hits.length === 0) return NO_MATCHES
  return hits
    .map((h, i) => `[${i + 1}] ${h.title} (${h.source})\n${clip(h.chunk.replace(/\s+/g, ' ').trim())}`)
    .join('\n\n')
}

function clip(text: string): string {
  if (text.length <= MAX_CHUNK_CHARS) return text
  const cut = text.slice(0, MAX_CHUNK_CHARS)
  const space = cut.lastIndexOf(' ')
  return `${space > MAX_CHUNK_CHARS * 0.8 ? cut.slice(0, space) : cut}…`
}

/**
 * The `search_docs` tool (schema `{ query: string }`) over a {@link DocSearch}.
 *
 * The hits travel as the tool's artifact (`responseFormat: 'content_and_artifact'`): invoked with a
 * tool call, as agents do, it returns a `ToolMessage` whose `content` is {@link formatHits}'s text
 * and whose `artifact` is the `DocHit[]` in the same order, so `[n]` is `artifact[n - 1]`
 * (numbering restarts at 1 on every call). Invoked with plain `{ query }`, it returns the text only.
 *
 * @example
 * const search = createRetrieverTool(retriever, { k: 5 })
 * const msg = await search.invoke({ type: 'tool_call', id: '1', name: 'search_docs', args: { query: 'durability' } })
 * msg.artifact // DocHit[]
 */
export function createRetrieverTool(search: DocSearch, opts: { k?: number } = {}) {
  const k = opts.k ?? 4
  return tool(
    async ({ query }): Promise<[string, DocHit[]]> => {
      const hits = await tracedSearch(search, query, k)
      return [formatHits(hits), hits]
    },
    {
      name: SEARCH_TOOL_NAME,
      description:
        'Search the project documents. Returns numbered results "[n] title (source)" followed by the text; cite them as [n].',
      schema: z.object({ query: z.string().describe('What to look for, in plain words') }),
      responseFormat: 'content_and_artifact',
    },
  )
}

/** One search inside a `retrieval` span: top-k and the hit count; the query and the hits' ids and scores only with SWITCHYARD_TRACE_CONTENT=1. */
function tracedSearch(search: DocSearch, query: string, k: number): Promise<DocHit[]> {
  return inSpan(SPAN.retrieval, { attributes: { [ATTR.operationName]: GEN_AI_OPERATION.retrieval, [ATTR.retrievalTopK]: k } }, async (span) => {
    const hits = await search.search(query, { k })
    if (span.isRecording()) {
      span.setAttribute(ATTR.retrievalHits, hits.length)
      if (traceContent()) {
        span.setAttribute(ATTR.retrievalQuery, contentJson(query))
        span.setAttribute(ATTR.retrievalDocuments, contentJson(hits.map((h) => ({ id: String(h.id), score: h.score, source: h.source }))))
      }
    }
    return hits
  })
}

/** The tool {@link createRetrieverTool} returns. */
export type RetrieverTool = ReturnType<typeof createRetrieverTool>
