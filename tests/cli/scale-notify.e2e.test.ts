import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempTarget, testPgUrl } from '../store/dialects.js'
import { startCluster, type Cluster } from './scale-cluster.js'
import { cancelledElsewhere, protocolElsewhere, streamedElsewhere } from './scale-scenarios.js'

// Postgres alone (no REDIS_URL): wake-ups, cancels and the live tail go through LISTEN/NOTIFY
describe('API and worker processes on Postgres without Redis (LISTEN/NOTIFY)', async () => {
  const base = await testPgUrl()
  let c: Cluster | undefined
  let remove: (() => Promise<void>) | undefined
  beforeAll(async () => {
    if (!base) return
    const t = await tempTarget('postgres', 'scale_notify')
    remove = t.remove
    c = await startCluster({
      databaseUrl: t.target,
      // a long lease: a cancel is not seen by a heartbeat (every 200 s) within the test
      env: { SWITCHYARD_LEASE_MS: '600000', SWITCHYARD_PG_POOL: '4' },
      apis: 2,
      workers: 1,
      // the worker's queue never polls the store: it claims on signals alone
      workerEnv: { SWITCHYARD_QUEUE_POLL_MS: '0' },
    })
  })
  afterAll(async () => {
    await c?.stop()
    await remove?.()
  })

  it.skipIf(!base)('a run started through API A, claimed by a worker on its NOTIFY, streamed through API B with a Last-Event-ID resume: exact', async () => {
    await streamedElsewhere(c!, 'n1')
    // no Redis here: /ok names no transport dependency while the NOTIFY connection is up
    expect(await (await fetch(`${c!.urls[1]}/ok`)).json()).toEqual({ ok: true })
  })

  it.skipIf(!base)('protocol v2 through API B: a dropped client back with since gets exactly what a full replay gives (NOTIFY)', async () => {
    await protocolElsewhere(c!, 'n3')
  })

  it.skipIf(!base)('a cancel through API B stops the run in the worker at once (NOTIFY), not at its heartbeat', async () => {
    await cancelledElsewhere(c!, 'n2')
  })
})
