import { JsonPlusSerializer, type SerializerProtocol } from '@langchain/langgraph-checkpoint'

const LC_KEY = Buffer.from('"lc"')
const utf8 = new TextDecoder()
const decoders = new WeakMap<SerializerProtocol, (type: string, data: Uint8Array) => Promise<unknown>>()

function decoderFor(serde: SerializerProtocol): (type: string, data: Uint8Array) => Promise<unknown> {
  // The driver hands back Buffers; a serde returning raw bytes as they come must give the Uint8Array it was given.
  const load = (type: string, data: Uint8Array): Promise<unknown> =>
    serde.loadsTyped(type, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
  // Exactly the stock class: a subclass may decode differently.
  if (serde.constructor !== JsonPlusSerializer) return load
  return async (type, data) => {
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    return type === 'json' && bytes.indexOf(LC_KEY) === -1 ? JSON.parse(utf8.decode(bytes)) : load(type, data)
  }
}

/**
 * Decodes stored bytes with the saver's serde. With the stock JsonPlusSerializer, JSON holding no `"lc"` is
 * handed to JSON.parse directly: that serde's reviver only rewrites objects with an `lc` key, and its
 * value-by-value async walk to find none is most of the cost of reading a long history. Anything else (messages,
 * Sets, Dates, a custom serde) goes through `loadsTyped` as usual.
 */
export function decode(serde: SerializerProtocol, type: string, data: Uint8Array): Promise<unknown> {
  let d = decoders.get(serde)
  if (d === undefined) decoders.set(serde, (d = decoderFor(serde)))
  return d(type, data)
}
