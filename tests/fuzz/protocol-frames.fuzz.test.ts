import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openRuntime, type Runtime } from '../../runtime/runtime.js'
import { PROTOCOL_METHODS } from '../../server/protocol/command-dispatch.js'
import { protocolRoutes } from '../../server/routes/protocol-routes.js'
import { runsRoutes } from '../../server/routes/runs-routes.js'
import { startServer, type RunningServer } from '../../server/serve.js'
import { RawProtocolClient, type Frame } from '../server/protocol-harness.js'
import { runSdlcToFirstGate } from '../server/server-harness.js'
import { dbWatcher, ERROR_CODES, fuzzParams } from './fuzz-options.js'

const PARAMS = ['as_node', 'assistant_id', 'before', 'channels', 'checkpoint_id', 'config', 'configurable', 'depth', 'goto', 'input', 'last_event_id',
  'limit', 'message', 'metadata', 'multitask_strategy', 'namespace', 'namespaces', 'recursion_limit', 'run_id', 'subscriptions', 'tags', 'update',
  'interrupt_id', 'response', 'subscription_id', 'since', 'command']

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' },
    fc.constantFrom('team', 'sdlc', 'lifecycle', 'values', 'messages', 'updates', 'tools', 'custom', 'debug', 'interrupt', 'rollback', 'reject', '', '*', -1, 0, 1e9, null, true, '\uD800', 'a'.repeat(3000)),
    fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.uuid(),
    fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.oneof(fc.constantFrom(...PARAMS), fc.string({ maxLength: 6 })), tie('v'), { maxKeys: 4 })),
})).v

/** A text or binary frame: well-formed commands with any params, bad ids and methods, non-JSON, deep nesting. */
const frame = (thread: string, checkpoint: string): fc.Arbitrary<string | Buffer> => fc.oneof(
  { weight: 8, arbitrary: fc.record({
    id: fc.oneof({ weight: 6, arbitrary: fc.nat({ max: 1_000_000 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1.5, '7', null, 2 ** 60) }),
    method: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...PROTOCOL_METHODS) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }),
    params: fc.oneof({ weight: 8, arbitrary: fc.dictionary(fc.constantFrom(...PARAMS), fc.oneof(value, fc.constantFrom(thread, checkpoint, [], ['researcher'], ['lifecycle', 'values'])), { maxKeys: 5 }) }, { weight: 1, arbitrary: value }),
  }, { requiredKeys: ['id', 'method'] }).map((f) => JSON.stringify(f)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.constantFrom(2_000, 50_000).map((n) => `{"id":1,"method":"run.start","params":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`) },
)

describe('fuzz: WebSocket protocol v2 frames (/threads/{id}/stream/events)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-fuzz-ws-'))
  let rt: Runtime
  let srv: RunningServer
  let thread: string
  let checkpoint: string
  let watch: ReturnType<typeof dbWatcher>
  const stats = { frames: 0, errors: 0, successes: 0, reconnects: 0 }

  beforeAll(async () => {
    rt = await openRuntime({ dbPath: join(dir, 'sy.db'), env: { SWITCHYARD_MODEL: 'offline' } })
    thread = randomUUID()
    await runSdlcToFirstGate(rt, thread)
    checkpoint = (await rt.runs.headCheckpointId(thread))!
    // no run queue: a run.start queues a pending run; the database changes only by the frames
    srv = await startServer({ rt, port: 0, routes: [runsRoutes, protocolRoutes], logError: () => undefined })
    watch = dbWatcher(join(dir, 'sy.db'))
  })
  afterAll(async () => {
    watch?.close()
    await srv?.close()
    await rt.close()
    rmSync(dir, { recursive: true, force: true })
    console.log(`protocol fuzz: ${stats.frames} frames, ${stats.successes} success and ${stats.errors} error answers, ${stats.reconnects} sockets closed by the server and reopened`)
  })

  it('answers every frame with a success or a typed error frame, keeps the socket open, and a refused frame changes nothing', async () => {
    const url = `${srv.url.replace('http', 'ws')}/threads/${thread}/stream/events`
    let ws = await RawProtocolClient.open(url)
    let digest = watch.digest()
    let version = watch.version()
    await fc.assert(fc.asyncProperty(frame(thread, checkpoint), async (f) => {
      if (watch.version() !== version) {
        digest = watch.digest()
        version = watch.version()
      }
      const from = ws.frames.length
      ws.send(f)
      stats.frames++
      // the answer: the first frame after `from` that is not a streamed event
      let answer: Frame | undefined
      for (const end = Date.now() + 10_000; !answer && Date.now() < end;) {
        answer = ws.frames.slice(from).find((x) => x.type !== 'event')
        // the client's own listener has pushed the frame by the time this one runs
        if (!answer) await new Promise((r) => { ws.socket.once('message', r); setTimeout(r, 200).unref() })
      }
      const shown = (typeof f === 'string' ? f : f.toString('hex')).slice(0, 200)
      expect(answer, `no answer to ${shown}`).toBeDefined()
      expect(['success', 'error'], shown).toContain(answer!.type)
      expect(ws.socket.readyState, `the server closed the socket after ${shown}`).toBe(ws.socket.OPEN)
      if (answer!.type === 'error') {
        stats.errors++
        expect(ERROR_CODES.has(String(answer!.code)), `${shown} → ${JSON.stringify(answer).slice(0, 200)}`).toBe(true)
        if (watch.version() !== version) expect(watch.digest(), `refused frame ${shown} changed the database`).toBe(digest)
      } else {
        stats.successes++
      }
      // keep replays short: a socket that subscribed to everything would make each answer slower to find
      if (ws.frames.length > 2_000) {
        await ws.close()
        ws = await RawProtocolClient.open(url)
        stats.reconnects++
      }
    }), fuzzParams(2_500))
    await ws.close()
    expect((await fetch(`${srv.url}/ok`)).status).toBe(200)
  }, 300_000)
})
