import type { ChannelVersions, SerializerProtocol } from '@langchain/langgraph-checkpoint'
import type { Insertable } from 'kysely'
import type { ChannelState } from './checkpoint-cache.js'
import { packInline } from './checkpoint-inline.js'
import type { CheckpointBlobTable } from './checkpoint-schema.js'

/** A blob row before its thread and namespace are set. */
export type BlobDraft = Omit<Insertable<CheckpointBlobTable>, 'thread_id' | 'checkpoint_ns'>

/** Where one checkpoint's changed values go, and the channel states they leave behind. */
export interface EncodedValues {
  blobs: BlobDraft[]
  /** The values stored inline, packed as JSON `[channel, value]` pairs; undefined if none. */
  inline: Uint8Array | undefined
  states: Map<string, ChannelState>
}

/**
 * Full-copy policy: a delta is written while the deltas since the last full copy, this one included, stay within
 * `ratio` times that copy's size. With ratio 1 a read decodes at most about twice the value's size, and an
 * append-only channel stores O(final size) bytes in total: the full copies at least double each time, so they
 * sum to under twice the final size, and each appended element sits in exactly one delta.
 * Values of at most `inlineBytes` serialized bytes that do not extend a stored array go inline in the
 * checkpoint row instead.
 */
export interface StoragePolicy {
  ratio: number
  inlineBytes: number
}

const OPEN = 0x5b // [
const CLOSE = 0x5d // ]
const COMMA = 0x2c // ,
const EMPTY = new Uint8Array([OPEN, CLOSE])

const isJsonArray = (b: Uint8Array) => b.byteLength >= 2 && b[0] === OPEN && b[b.byteLength - 1] === CLOSE
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0

/**
 * The JSON array of the elements `next` adds to `prev`, or undefined if `next` does not extend `prev`.
 * `prev` minus its closing bracket ends after a complete element, so when `next` repeats those bytes and then
 * has a comma, its first elements are exactly `prev`'s (a comma ends any JSON token) and the rest are new.
 * One serialization of the whole value and a memcmp: no element-by-element work.
 */
export function appendedTail(prev: Uint8Array, next: Uint8Array): Uint8Array | undefined {
  if (!isJsonArray(prev) || !isJsonArray(next) || next.byteLength < prev.byteLength) return undefined
  if (prev.byteLength === 2) return next
  if (next.byteLength === prev.byteLength) return same(prev, next) ? EMPTY : undefined
  const body = prev.byteLength - 1
  if (next[body] !== COMMA || !same(prev.subarray(0, body), next.subarray(0, body))) return undefined
  const tail = new Uint8Array(next.byteLength - body)
  tail[0] = OPEN
  tail.set(next.subarray(body + 1), 1)
  return tail
}

/**
 * Encodes the channels named in `newVersions` (those that changed since the parent). A JSON array that extends
 * `base(channel)` stored in `checkpoint_blobs` becomes a delta holding only the appended elements, while the
 * policy allows; otherwise a small JSON value goes inline in checkpoint `checkpointId`'s row and anything else
 * becomes a full copy. A channel listed in `newVersions` but absent from `values` has no value to store.
 */
export async function encodeValues(
  serde: SerializerProtocol,
  change: {
    checkpointId: string
    values: Record<string, unknown>
    newVersions: ChannelVersions
    base: (channel: string) => ChannelState | undefined
  },
  policy: StoragePolicy,
): Promise<EncodedValues> {
  const out: EncodedValues = { blobs: [], inline: undefined, states: new Map() }
  const present = Object.entries(change.newVersions)
    .filter(([ch]) => Object.prototype.hasOwnProperty.call(change.values, ch))
    .map(([channel, v]) => ({ channel, version: String(v), value: change.values[channel] }))
  const extending = present.filter((p) => Array.isArray(p.value) && change.base(p.channel)?.json !== undefined)
  const rest = present.filter((p) => !extending.includes(p))
  // Usually every other changed value is small: one serialization packs them all, none of them one by one.
  if (rest.length > 0) {
    const [type, data] = await serde.dumpsTyped(rest.map((p) => [p.channel, p.value]))
    if (type === 'json' && data.byteLength <= policy.inlineBytes) {
      out.inline = data
      for (const p of rest) out.states.set(p.channel, inlineState(p.version, change.checkpointId))
    } else {
      extending.push(...rest)
    }
  }
  const inline: [string, Uint8Array][] = []
  await Promise.all(extending.map(async ({ channel, version, value }) => {
    const [type, data] = await serde.dumpsTyped(value)
    const json = type === 'json' && Array.isArray(value) ? data : undefined
    const base = json && change.base(channel)
    const tail = base?.json && appendedTail(base.json, json!)
    if (base && tail && base.deltaBytes + tail.byteLength <= base.fullBytes * policy.ratio) {
      out.blobs.push({ channel, version, kind: 'delta', type, base_version: base.version, data: tail })
      const deltaBytes = base.deltaBytes + tail.byteLength
      out.states.set(channel, { version, inlineAt: undefined, json, fullBytes: base.fullBytes, deltaBytes })
    } else if (type === 'json' && data.byteLength <= policy.inlineBytes) {
      inline.push([channel, data])
      out.states.set(channel, inlineState(version, change.checkpointId))
    } else {
      out.blobs.push({ channel, version, kind: 'full', type, base_version: null, data })
      out.states.set(channel, { version, inlineAt: undefined, json, fullBytes: data.byteLength, deltaBytes: 0 })
    }
  }))
  if (inline.length > 0) out.inline = packInline(inline)
  return out
}

const inlineState = (version: string, checkpointId: string): ChannelState =>
  ({ version, inlineAt: checkpointId, json: undefined, fullBytes: 0, deltaBytes: 0 })

/** The channels of `newVersions` whose new value could extend the previous one (arrays). */
export const appendCandidates = (values: Record<string, unknown>, newVersions: ChannelVersions): string[] =>
  Object.keys(newVersions).filter((ch) => Array.isArray(values[ch]))

/** Rebuilds the state of a value read back from `checkpoint_blobs`, for a put whose parent is not in the cache. */
export async function stateOf(
  serde: SerializerProtocol,
  version: string,
  loaded: { value: unknown; fullBytes: number; deltaBytes: number },
): Promise<ChannelState> {
  const [type, data] = Array.isArray(loaded.value) ? await serde.dumpsTyped(loaded.value) : []
  const json = type === 'json' ? data : undefined
  return { version, inlineAt: undefined, json, fullBytes: loaded.fullBytes, deltaBytes: loaded.deltaBytes }
}
