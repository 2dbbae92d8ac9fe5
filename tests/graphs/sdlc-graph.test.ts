import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from '@langchain/langgraph'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { OfflineChatModel } from '../../agents/offline-model.js'
import { buildSdlcGraph, MAX_REJECTIONS, MAX_TEST_LOOPS } from '../../graphs/sdlc-graph.js'
import { openDb, type OpenedSqlite } from '../../store/db.js'
import { KyselySaver } from '../../store/kysely-saver.js'

type Payload = { phase: string; attempt: number; error?: string }

describe('sdlc graph routing', () => {
  let dir: string
  let store: OpenedSqlite
  let graph: ReturnType<typeof buildSdlcGraph>
  const cfg = (id: string) => ({ configurable: { thread_id: id } })

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sy-sdlc-'))
    store = await openDb(join(dir, 'sy.db'))
    graph = buildSdlcGraph({ model: new OfflineChatModel(), checkpointer: new KyselySaver(store.db) })
  })
  afterEach(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }) })

  const waiting = async (id: string) => {
    const s = await graph.getState(cfg(id))
    return s.tasks.flatMap((t) => t.interrupts.map((i) => i.value as Payload))[0]
  }
  const answer = (id: string, resume: unknown) => graph.invoke(new Command({ resume }), cfg(id))

  it(`stops after ${MAX_REJECTIONS} rejections of the same phase`, async () => {
    await graph.invoke({ task: 'x' }, cfg('r'))
    for (let i = 1; i <= MAX_REJECTIONS; i++) {
      expect(await waiting('r')).toMatchObject({ phase: 'analyst', attempt: i })
      await answer('r', { action: 'reject', reason: `not yet ${i}` })
    }
    expect(await waiting('r')).toMatchObject({ phase: 'analyst', attempt: MAX_REJECTIONS + 1 })
    const out = await answer('r', { action: 'reject', reason: 'still no' })
    expect(out.outcome).toBe(`stopped: analyst rejected ${MAX_REJECTIONS + 1} times`)
    expect((await graph.getState(cfg('r'))).next).toEqual([])
  })

  it(`sends a failing tester back to the developer at most ${MAX_TEST_LOOPS} times`, async () => {
    await graph.invoke({ task: 'x' }, cfg('t'))
    for (const _ of ['analyst', 'architect', 'developer']) await answer('t', { action: 'approve' })
    const fail = { passed: false, summary: 'red', failures: ['it broke'] }
    for (let loop = 1; loop <= MAX_TEST_LOOPS; loop++) {
      expect((await waiting('t'))?.phase).toBe('tester')
      await answer('t', { action: 'amend', artifact: fail })
      expect((await waiting('t'))?.phase).toBe('developer')
      await answer('t', { action: 'approve' })
    }
    const out = await answer('t', { action: 'amend', artifact: fail })
    expect(out.outcome).toBe(`stopped: tests still failing after ${MAX_TEST_LOOPS} fix rounds`)
  })

  it('asks again, with the error, when the decision is malformed', async () => {
    await graph.invoke({ task: 'x' }, cfg('m'))
    await answer('m', { action: 'maybe' })
    const p = await waiting('m')
    expect(p).toMatchObject({ phase: 'analyst' })
    expect(p?.error).toMatch(/invalid decision/)
    await answer('m', { action: 'approve' })
    expect((await waiting('m'))?.phase).toBe('architect')
  })

  it('gives the rejection reason to the phase that runs again', async () => {
    await graph.invoke({ task: 'x' }, cfg('f'))
    const out = await answer('f', { action: 'reject', reason: 'cover accessibility' })
    expect(out.feedback).toEqual({ analyst: 'cover accessibility' })
    expect(out.attempts).toEqual({ analyst: 2 })
    const approved = await answer('f', { action: 'approve' })
    expect(approved.feedback).toEqual({ analyst: null })
  })
})
