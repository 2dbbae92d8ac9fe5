import type { ChannelVersions, Checkpoint, SerializerProtocol } from '@langchain/langgraph-checkpoint'
import type { Kysely } from 'kysely'
import { blobKey, loadBlobs } from './checkpoint-blob-reader.js'
import type { ChannelState, ThreadState } from './checkpoint-cache.js'
import { decode } from './checkpoint-decode.js'
import { unpackInline } from './checkpoint-inline.js'
import { stateOf } from './checkpoint-value-writer.js'
import type { DB } from './schema.js'

/** Channel versions as the strings they are stored under. */
export const versionStrings = (versions: ChannelVersions): Record<string, string> =>
  Object.fromEntries(Object.entries(versions).map(([ch, v]) => [ch, String(v)]))

/** A channel version stored in `checkpoint_blobs` (or nowhere) whose value has not been read. */
const unread = (version: string): ChannelState => ({ version, inlineAt: undefined, json: undefined, fullBytes: 0, deltaBytes: 0 })

/** Candidates whose parent value sits in `checkpoint_blobs` but is not in `state`: an append to it can't be seen yet. */
const unknownBases = (state: ThreadState, candidates: string[]) => candidates.filter((ch) => {
  const v = state.versions[ch]
  const s = state.channels.get(ch)
  return v !== undefined && (s === undefined || s.version !== v || (s.inlineAt === undefined && s.json === undefined))
})

/**
 * The state after the parent checkpoint of a put: the cached one when the parent is the last checkpoint written
 * on this (thread, namespace), else read back from the parent's row. Then the stored values of the changed array
 * channels (`candidates`) the state does not hold are read, so an append can still become a delta.
 */
export async function parentState(
  db: Kysely<DB>,
  serde: SerializerProtocol,
  p: { threadId: string; ns: string; parentId: string | undefined; cached: ThreadState | undefined; candidates: string[] },
): Promise<ThreadState | undefined> {
  if (p.parentId === undefined) return undefined
  const state = p.cached ?? await readParent(db, serde, { ...p, parentId: p.parentId })
  if (state === undefined) return undefined
  const toRead = unknownBases(state, p.candidates)
  if (toRead.length === 0) return state
  const wanted = new Map(toRead.map((ch) => [ch, new Set([state.versions[ch]!])]))
  const blobs = await loadBlobs(db, serde, { threadId: p.threadId, ns: p.ns, wanted })
  const channels = new Map(state.channels)
  for (const ch of toRead) {
    const v = state.versions[ch]!
    const blob = blobs.get(blobKey(ch, v))
    channels.set(ch, blob !== undefined ? await stateOf(serde, v, blob) : unread(v))
  }
  return { ...state, channels }
}

async function readParent(
  db: Kysely<DB>,
  serde: SerializerProtocol,
  p: { threadId: string; ns: string; parentId: string },
): Promise<ThreadState | undefined> {
  const row = await db.selectFrom('checkpoints').select(['type', 'checkpoint', 'inline_type', 'inline_data', 'inline_refs'])
    .where('thread_id', '=', p.threadId).where('checkpoint_ns', '=', p.ns).where('checkpoint_id', '=', p.parentId)
    .executeTakeFirst()
  if (row === undefined) return undefined
  const cp = (await decode(serde, row.type, row.checkpoint)) as Pick<Checkpoint, 'channel_versions'>
  const own = row.inline_type !== null && row.inline_data !== null ? await unpackInline(serde, row.inline_type, row.inline_data) : new Map()
  const refs = JSON.parse(row.inline_refs) as Record<string, string>
  const versions = versionStrings(cp.channel_versions)
  const channels = new Map<string, ChannelState>()
  for (const [ch, v] of Object.entries(versions)) {
    const at = own.has(ch) ? p.parentId : refs[ch]
    channels.set(ch, at !== undefined ? { ...unread(v), inlineAt: at } : unread(v))
  }
  return { checkpointId: p.parentId, versions, channels }
}

/**
 * The state after a put: the parent's channels, updated with those the put changed. A changed channel with no
 * value is recorded as holding nothing. When some blob row already existed (a put repeated, or versions chosen by
 * the caller that collide), what it holds is unknown, so its channel is left out and re-read if ever needed.
 */
export function stateAfterPut(
  checkpoint: Checkpoint,
  w: { parent: ThreadState | undefined; newVersions: ChannelVersions; states: Map<string, ChannelState>; blobsInserted: boolean },
): ThreadState {
  const versions = versionStrings(checkpoint.channel_versions)
  const channels = new Map<string, ChannelState>()
  for (const [ch, s] of w.parent?.channels ?? []) if (s.version === versions[ch]) channels.set(ch, s)
  for (const [ch, v] of Object.entries(w.newVersions)) {
    const s = w.states.get(ch) ?? unread(String(v))
    if (s.inlineAt !== undefined || w.blobsInserted || !w.states.has(ch)) channels.set(ch, s)
    else channels.delete(ch)
  }
  return { checkpointId: checkpoint.id, versions, channels }
}

/** The parent's state of a channel when it is the one the parent's checkpoint holds: what an append would extend. */
export const baseOf = (parent: ThreadState | undefined) => (channel: string): ChannelState | undefined => {
  const s = parent?.channels.get(channel)
  return s !== undefined && s.version === parent?.versions[channel] ? s : undefined
}

/** `inline_refs` of a new checkpoint: unchanged channels whose value is inline in an ancestor's row. */
export function inlineRefs(
  parent: ThreadState | undefined,
  versions: Record<string, string>,
  newVersions: ChannelVersions,
): Record<string, string> {
  const refs: Record<string, string> = {}
  for (const [ch, s] of parent?.channels ?? []) {
    if (s.inlineAt !== undefined && s.version === versions[ch] && !(ch in newVersions)) refs[ch] = s.inlineAt
  }
  return refs
}
