import type { SerializerProtocol } from '@langchain/langgraph-checkpoint'
import { decode } from './checkpoint-decode.js'

const enc = new TextEncoder()
const OPEN = enc.encode('[')
const CLOSE = enc.encode(']')
const COMMA = enc.encode(',')

/**
 * Packs the small values a checkpoint changed into one JSON array of `[channel, value]` pairs, from their
 * already serialized bytes: the same bytes the serde gives for that array of pairs, so the checkpoint row
 * carries them and a put costs one statement. Pairs, not an object: a serde reviver never mistakes an array for
 * a serialized class, whatever the channel names are.
 */
export function packInline(entries: [channel: string, json: Uint8Array][]): Uint8Array {
  const parts: Uint8Array[] = [OPEN]
  entries.forEach(([channel, json], i) => {
    if (i > 0) parts.push(COMMA)
    parts.push(enc.encode(`[${JSON.stringify(channel)},`), json, CLOSE)
  })
  parts.push(CLOSE)
  return Buffer.concat(parts)
}

/** The values `packInline` packed, by channel. */
export async function unpackInline(serde: SerializerProtocol, type: string, data: Uint8Array): Promise<Map<string, unknown>> {
  const pairs = (await decode(serde, type, data)) as [string, unknown][]
  return new Map(pairs)
}
