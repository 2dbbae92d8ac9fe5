import { v7 } from '@langchain/core/utils/uuid'
import type { ChannelVersions, CheckpointTuple, PendingWrite } from '@langchain/langgraph-checkpoint'
import type { ThreadRow } from '../store/run-schema.js'
import { createThreadRepo } from '../store/thread-repo.js'
import type { Runtime } from './runtime.js'

const changed = (now: ChannelVersions, before: ChannelVersions): ChannelVersions =>
  Object.fromEntries(Object.entries(now).filter(([ch, v]) => before[ch] !== v))

/**
 * Copies every checkpoint (all namespaces, oldest first) and pending write of a thread to another,
 * through the checkpointer's own API, so it works with any saver. Each checkpoint is written with the
 * channel versions that changed since its parent, as the run that made it wrote them.
 */
export async function copyCheckpoints(rt: Runtime, fromId: string, toId: string): Promise<void> {
  const tuples: CheckpointTuple[] = []
  for await (const t of rt.checkpointer.list({ configurable: { thread_id: fromId } })) tuples.push(t)
  tuples.reverse()
  const versions = new Map<string, ChannelVersions>()
  for (const t of tuples) {
    const ns = (t.config.configurable?.checkpoint_ns as string | undefined) ?? ''
    const parentId = t.parentConfig?.configurable?.checkpoint_id as string | undefined
    const parentVersions = (parentId && versions.get(`${ns}|${parentId}`)) || {}
    const metadata = { ...t.metadata, ...(t.metadata && 'thread_id' in t.metadata ? { thread_id: toId } : {}) }
    await rt.checkpointer.put(
      { configurable: { thread_id: toId, checkpoint_ns: ns, ...(parentId ? { checkpoint_id: parentId } : {}) } },
      t.checkpoint, metadata as typeof t.metadata & object, changed(t.checkpoint.channel_versions, parentVersions),
    )
    versions.set(`${ns}|${t.checkpoint.id}`, t.checkpoint.channel_versions)
    const byTask = new Map<string, PendingWrite[]>()
    for (const [taskId, channel, value] of t.pendingWrites ?? []) byTask.set(taskId, [...(byTask.get(taskId) ?? []), [channel, value]])
    for (const [taskId, writes] of byTask) {
      await rt.checkpointer.putWrites({ configurable: { thread_id: toId, checkpoint_ns: ns, checkpoint_id: t.checkpoint.id } }, writes, taskId)
    }
  }
}

/** `POST /threads/{id}/copy`: a new thread with the same graph, metadata, status and full checkpoint history. */
export async function copyThread(rt: Runtime, threadId: string): Promise<ThreadRow> {
  const threads = createThreadRepo(rt.store.db)
  const from = await threads.get(threadId)
  const newId = v7()
  await copyCheckpoints(rt, threadId, newId)
  // the row last: a thread that is visible is complete
  return threads.insertCopy(from, newId, rt.threadTtlMinutes)
}
