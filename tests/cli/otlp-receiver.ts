import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

/** A span as OTLP/JSON carries it, with its attributes flattened and its resource's service name. */
export interface OtlpSpan {
  service: string
  scope: string
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: number
  attributes: Record<string, unknown>
  links: { traceId: string; spanId: string }[]
  status: { code?: number; message?: string }
}

interface AnyValue { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number; arrayValue?: { values?: AnyValue[] } }
interface KeyValue { key: string; value: AnyValue }
const valueOf = (v: AnyValue): unknown =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.boolValue ?? v.doubleValue ?? v.arrayValue?.values?.map(valueOf)
const flat = (kvs: KeyValue[] | undefined) => Object.fromEntries((kvs ?? []).map((kv) => [kv.key, valueOf(kv.value)]))

interface ExportRequest {
  resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { scope?: { name?: string }; spans?: (Omit<OtlpSpan, 'service' | 'scope' | 'attributes'> & { attributes?: KeyValue[] })[] }[] }[]
}

/** Decodes one OTLP/HTTP JSON export request (`ExportTraceServiceRequest`). */
export function decodeOtlpJson(body: ExportRequest): OtlpSpan[] {
  return (body.resourceSpans ?? []).flatMap((rs) => {
    const service = String(flat(rs.resource?.attributes)['service.name'] ?? '')
    return (rs.scopeSpans ?? []).flatMap((ss) => (ss.spans ?? []).map((s) => ({
      ...s, service, scope: ss.scope?.name ?? '', attributes: flat(s.attributes), links: s.links ?? [], status: s.status ?? {},
      ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    })))
  })
}

/** A collector on 127.0.0.1:0 receiving `POST /v1/traces` (OTLP/HTTP JSON): what it decoded, and the requests' headers. */
export async function startOtlpReceiver() {
  const spans: OtlpSpan[] = []
  const requests: { path: string; headers: IncomingHttpHeaders }[] = []
  /** Every export request's body as received (decoded from gzip), for tests that grep what left the process. */
  const bodies: string[] = []
  const server = createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (c: Buffer) => parts.push(c))
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers })
      let raw = Buffer.concat(parts)
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw)
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).startsWith('application/json')) {
        res.writeHead(415).end()
        return
      }
      bodies.push(raw.toString('utf8'))
      spans.push(...decodeOtlpJson(JSON.parse(raw.toString('utf8')) as ExportRequest))
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((ok, fail) => { server.once('error', fail); server.listen(0, '127.0.0.1', ok) })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    requests,
    bodies,
    close: () => new Promise<void>((ok) => { server.close(() => ok()); server.closeAllConnections() }),
  }
}
