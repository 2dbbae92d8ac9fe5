import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemorySaver } from '@langchain/langgraph'
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint'
import type { Kysely } from 'kysely'
import { OfflineChatModel } from '../../../agents/offline-model.js'
import type { DocSearch } from '../../../agents/retriever-tool.js'
import { compileWorkflow } from '../../../graphs/workflow/compile-workflow.js'
import type { WorkflowStateT } from '../../../graphs/workflow/workflow-state.js'
import { loadWorkflowText } from '../../../graphs/workflow/yaml-source.js'
import type { DB } from '../../../store/schema.js'

export const NO_DOCS: DocSearch = { search: async () => [] }

/** A temp folder with a workflow file in it, compiled with the offline model. */
export function tempDir(prefix = 'sy-wf-'): { dir: string; write(name: string, text: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return {
    dir,
    write: (name, text) => { const f = join(dir, name); writeFileSync(f, text); return f },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

export function compileFile(file: string, text: string, opts: { checkpointer?: BaseCheckpointSaver; db?: Kysely<DB>; now?: () => number; docs?: DocSearch } = {}) {
  const r = loadWorkflowText(text, file)
  if (!r.ok) throw new Error(r.findings.map((f) => f.message).join('; '))
  return compileWorkflow(r.spec, {
    file, source: r.source,
    deps: { checkpointer: opts.checkpointer ?? new MemorySaver(), model: new OfflineChatModel(), modelLabel: 'offline', docs: opts.docs ?? NO_DOCS },
    ...(opts.db ? { db: opts.db } : {}), ...(opts.now ? { now: opts.now } : {}),
  })
}

export const cfg = (thread: string) => ({ configurable: { thread_id: thread } })
export type Out = WorkflowStateT
