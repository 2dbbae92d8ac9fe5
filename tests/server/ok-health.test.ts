import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../server/serve.js'
import { testPgUrl } from '../store/dialects.js'

const until = async (what: string, ok: () => Promise<boolean>, ms = 60_000) => {
  for (const end = Date.now() + ms; !(await ok());) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
const ok = async (url: string) => {
  const res = await fetch(`${url}/ok`)
  return { status: res.status, body: await res.json() as Record<string, unknown> }
}

// the database going away, for real: the server connects as a role of its own, which the test then refuses
// (NOLOGIN) and whose sessions it ends; given LOGIN back, the pool and the NOTIFY connection come back
describe('GET /ok names the dependency that is down', async () => {
  const base = await testPgUrl()
  const role = `sy_ok_${process.pid}_${randomBytes(3).toString('hex')}`
  let admin: pg.Client | undefined
  let srv: RunningServer | undefined
  afterAll(async () => {
    await srv?.close().catch(() => undefined)
    if (admin) {
      await admin.query(`alter role ${role} login`).catch(() => undefined)
      await admin.query(`drop owned by ${role} cascade`).catch(() => undefined)
      await admin.query(`drop role if exists ${role}`).catch(() => undefined)
      await admin.end()
    }
  })

  it.skipIf(!base)('the database down: 503 {ok:false, database:"down"}; back: {ok:true} again', async () => {
    admin = new pg.Client({ connectionString: base })
    await admin.connect()
    await admin.query(`create role ${role} login`)
    await admin.query(`grant create on database ${new URL(base!).pathname.slice(1)} to ${role}`)
    const url = new URL(base!)
    url.username = role
    url.searchParams.set('schema', role)
    srv = await startServer({ port: 0, dbPath: url.toString(), env: { SWITCHYARD_MODEL: 'offline' }, storeSweepMs: 0 })
    expect(await ok(srv.url)).toEqual({ status: 200, body: { ok: true } })
    await admin.query(`alter role ${role} nologin`)
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where usename = $1', [role])
    await until('/ok says the database is down', async () => (await ok(srv!.url)).status === 503)
    const down = await ok(srv.url)
    expect(down.body).toMatchObject({ ok: false, database: 'down' })
    // the NOTIFY connection is gone with it, and named too
    expect(down.body.postgres_notify).toBe('down')
    await admin.query(`alter role ${role} login`)
    await until('/ok is all up again', async () => JSON.stringify((await ok(srv!.url)).body) === '{"ok":true}')
  })
})
