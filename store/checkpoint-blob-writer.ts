import type { ChannelVersions, SerializerProtocol } from '@langchain/langgraph-checkpoint'
import type { Insertable } from 'kysely'
import type { ChannelState } from './checkpoint-cache.js'
import type { CheckpointBlobTable } from './checkpoint-schema.js'

/** A blob row before its thread and namespace are set. */
export type BlobDraft = Omit<Insertable<CheckpointBlobTable>, 'thread_id' | 'checkpoint_ns'>

/** The rows to insert for one checkpoint and the channel states they leave behind. */
export interface EncodedBlobs {
  rows: BlobDraft[]
  states: Map<string, ChannelState>
}

/**
 * Full-copy policy: a delta is written while the deltas since the last full copy, this one included, stay within
 * `ratio` times that copy's size. With ratio 1 a read decodes at most about twice the value's size, and an
 * append-only channel stores O(final size) bytes in total: the full copies at least double each time, so they
 * sum to under twice the final size, and each appended element sits in exactly one delta.
 */
export interface FullCopyPolicy {
  ratio: number
}

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)

/** Serialized elements of an array whose elements all serialize as JSON, else undefined (no delta possible). */
async function elementBytes(serde: SerializerProtocol, value: unknown[]): Promise<Uint8Array[] | undefined> {
  const dumped = await Promise.all(value.map((e) => serde.dumpsTyped(e)))
  return dumped.every(([type]) => type === 'json') ? dumped.map(([, bytes]) => bytes) : undefined
}

/** True when `prev` is an element-wise prefix of `next`. */
function isPrefix(prev: Uint8Array[], next: Uint8Array[]): boolean {
  if (prev.length > next.length) return false
  for (let i = 0; i < prev.length; i++) if (!sameBytes(prev[i]!, next[i]!)) return false
  return true
}

/**
 * Encodes the channels named in `newVersions` (those that changed since the parent): one row per channel, a
 * delta holding only the appended elements when `base(channel)` is a prefix of the new value, else a full copy.
 * A channel listed in `newVersions` but absent from `values` has no value at that version and gets no row.
 */
export async function encodeBlobs(
  serde: SerializerProtocol,
  change: { values: Record<string, unknown>; newVersions: ChannelVersions; base: (channel: string) => ChannelState | undefined },
  policy: FullCopyPolicy,
): Promise<EncodedBlobs> {
  const rows: BlobDraft[] = []
  const states = new Map<string, ChannelState>()
  await Promise.all(Object.entries(change.newVersions).map(async ([channel, v]) => {
    if (!Object.prototype.hasOwnProperty.call(change.values, channel)) return
    const version = String(v)
    const value = change.values[channel]
    const elems = Array.isArray(value) ? await elementBytes(serde, value) : undefined
    const base = elems && change.base(channel)
    if (base?.elems && isPrefix(base.elems, elems!)) {
      const [type, data] = await serde.dumpsTyped((value as unknown[]).slice(base.elems.length))
      const deltaBytes = base.deltaBytes + data.byteLength
      if (deltaBytes <= base.fullBytes * policy.ratio) {
        rows.push({ channel, version, kind: 'delta', type, base_version: base.version, data })
        states.set(channel, { version, elems, fullBytes: base.fullBytes, deltaBytes })
        return
      }
    }
    const [type, data] = await serde.dumpsTyped(value)
    rows.push({ channel, version, kind: 'full', type, base_version: null, data })
    states.set(channel, { version, elems, fullBytes: data.byteLength, deltaBytes: 0 })
  }))
  return { rows, states }
}

/** The channels of `newVersions` whose previous value could be extended by an append (arrays). */
export const appendCandidates = (values: Record<string, unknown>, newVersions: ChannelVersions): string[] =>
  Object.keys(newVersions).filter((ch) => Array.isArray(values[ch]))

/** Rebuilds the state of a value read back from the store, for a put whose parent is not in the cache. */
export async function stateOf(
  serde: SerializerProtocol,
  version: string,
  loaded: { value: unknown; fullBytes: number; deltaBytes: number },
): Promise<ChannelState> {
  const elems = Array.isArray(loaded.value) ? await elementBytes(serde, loaded.value) : undefined
  return { version, elems, fullBytes: loaded.fullBytes, deltaBytes: loaded.deltaBytes }
}
