import { Command } from '@langchain/langgraph'
import { isStorageFull, toAppError } from '../store/app-error.js'
import { redactText } from '../store/secret-redaction.js'
import { DEFAULT_TENANT, withTenant } from '../store/tenant-scope.js'
import type { RunRow, RunStatus } from '../store/run-schema.js'
import { streamGraph } from './graph-stream.js'
import { graphVersion, storeGraphVersion } from './graph-version.js'
import { armInterruptTimers, type InterruptLike } from './interrupt-timers.js'
import { parseKwargs } from './run-kwargs.js'
import { inRunSpan } from './run-span.js'
import type { Runtime } from './runtime.js'
import { requeueWhenSpace } from './storage-full.js'
import { LEASE_LOST } from './run-leases.js'
import { wireJson } from './wire-json.js'
import { errorData } from './serialize.js'

export interface ExecuteOptions {
  /** Also look for a cancel requested by another process this often (ms); the CLI uses it. */
  cancelPollMs?: number
  /**
   * The server's queue: an attempt that fails because the disk is full puts the run back in the queue
   * once space is freed (settled `pending`, code STORAGE_FULL) instead of failing it. The CLI fails.
   */
  requeueWhenFull?: boolean
  /** Called when such an attempt stops, before the requeue is tried (the queue logs it). */
  onStorageFull?: (run: RunRow) => void
}

export interface Settled { status: RunStatus; error?: { code: string; message: string } }

/**
 * The one path of every run (claimed from the queue, status running): stream the graph with a durable
 * checkpoint per step, append each event to the run's log, then publish it, and settle the status.
 * A retried run (after a crash) continues from the thread's last checkpoint instead of starting over.
 * The run executes in its thread's tenant: what its nodes read (the `search_docs` retriever's collections,
 * threads, store items) is that tenant's, whoever claimed it (a queue, a worker, the CLI).
 */
export async function executeRun(rt: Runtime, run: RunRow, opts: ExecuteOptions = {}): Promise<Settled> {
  const owner = await rt.store.db.selectFrom('threads').select('tenant').where('thread_id', '=', run.thread_id).executeTakeFirst()
  return withTenant(owner?.tenant ?? DEFAULT_TENANT, () => inRunSpan(rt, run, () => executeInScope(rt, run, opts)))
}

async function executeInScope(rt: Runtime, run: RunRow, opts: ExecuteOptions): Promise<Settled> {
  const kw = parseKwargs(run.kwargs)
  const graph = await rt.graphForRun(run.graph, { ...kw.config, configurable: { ...kw.config?.configurable, thread_id: run.thread_id } })
  const abort = new AbortController()
  rt.controllers.set(run.run_id, abort)
  rt.leases.hold(run.run_id, abort)
  const poll = opts.cancelPollMs
    ? setInterval(() => {
        rt.runs.cancelRequested(run.run_id).then((flag) => { if (flag > 0) abort.abort(flag === 2 ? 'rollback' : 'interrupt') }, () => undefined)
      }, opts.cancelPollMs)
    : undefined

  // a retried run appends after the events its earlier attempts logged
  let seq = run.attempt > 1 ? (await rt.runs.lastSeq(run.run_id)) + 1 : 0
  const emit = async (event: string, data: unknown) => {
    const ev = { seq: seq++, event, data: wireJson(data) }
    // only while this worker holds the run: after a lost lease the new attempt owns the log
    if (!(await rt.runs.appendOwnedEvent(run.run_id, ev.seq, ev.event, ev.data, rt.leases.claimant.workerId))) {
      abort.abort(LEASE_LOST)
      return
    }
    rt.bus.publish(run.run_id, ev)
  }

  let settled: Settled = { status: 'success' }
  let storageFull = false
  // the root `values` stream ends with the final values, then `{__interrupt__}` when the run stops at
  // an interrupt (empty for interrupt_before/after): enough to settle without reading the checkpoint
  const final: { values?: unknown; interrupts?: unknown[] } = {}
  const observe = (mode: string, chunk: unknown) => {
    if (mode !== 'values' || chunk === null || typeof chunk !== 'object') return
    if ('__interrupt__' in chunk) final.interrupts = (chunk as { __interrupt__: unknown[] }).__interrupt__
    else final.values = chunk
  }
  // a timer whose interrupt was answered (or is gone) has nothing to do
  if (kw.timer_for !== undefined && !(await interruptPending(rt, run, kw.timer_for))) {
    if (poll) clearInterval(poll)
    rt.controllers.delete(run.run_id)
    rt.leases.release(run.run_id)
    await emit('metadata', { run_id: run.run_id, attempt: run.attempt, skipped: 'the interrupt is no longer pending' })
    await settle(rt, run, settled, undefined, undefined, false)
    return settled
  }
  try {
    let input: unknown = kw.command ? new Command(kw.command as ConstructorParameters<typeof Command>[0]) : (kw.input ?? null)
    // crashed mid-run (a later attempt, and the thread moved on since the run started): go on from the last
    // checkpoint (the first claim recorded the head it started from)
    const head = run.attempt > 1 ? await rt.runs.headCheckpointId(run.thread_id) : undefined
    const continuing = head !== undefined && head !== run.start_checkpoint_id
    if (continuing) input = null
    // independent writes, issued together so they share one commit
    // the metadata event names the version of the graph this attempt runs (the debugger's graph drift)
    const version = await graphVersion(graph)
    await Promise.all([rt.runs.setThreadStatus(run.thread_id, 'busy'), storeGraphVersion(rt.store.db, run.graph, version),
      emit('metadata', { run_id: run.run_id, attempt: run.attempt, ...(version ? { graph_hash: version.hash } : {}) })])
    const configurable = { ...kw.config?.configurable, thread_id: run.thread_id, ...(kw.checkpoint_id && !continuing ? { checkpoint_id: kw.checkpoint_id } : {}) }
    const events = streamGraph(graph, input, {
      config: {
        configurable,
        runId: run.run_id,
        metadata: { run_id: run.run_id, run_attempt: run.attempt, graph_id: run.graph, assistant_id: run.assistant_id },
        ...(kw.config?.recursion_limit ? { recursionLimit: kw.config.recursion_limit } : {}),
        ...(kw.config?.tags ? { tags: kw.config.tags } : {}),
      },
      modes: kw.stream_mode,
      subgraphs: kw.subgraphs ?? false,
      signal: abort.signal,
      interruptBefore: kw.interrupt_before,
      interruptAfter: kw.interrupt_after,
      context: kw.context,
      durability: kw.durability,
      observe,
    })
    for await (const { event, data } of events) await emit(event, data)
    // a graph that reports failure in its state (a YAML workflow ending `failed`) settles as an error
    const failed = final.interrupts === undefined && final.values !== undefined ? rt.registry.get(run.graph).failureOf?.(final.values) : undefined
    if (failed) {
      settled = { status: 'error', error: failed }
      await emit('error', { error: failed.code, message: failed.message })
    }
  } catch (e) {
    if (abort.signal.aborted) {
      settled = { status: 'interrupted' }
    } else if (opts.requeueWhenFull && isStorageFull(e)) {
      storageFull = true
      settled = { status: 'pending', error: { code: 'STORAGE_FULL', message: toAppError(e).message } }
    } else {
      const err = toAppError(e)
      settled = { status: 'error', error: { code: err.code, message: redactText(err.message) } }
      await emit('error', errorData(e)).catch(() => undefined)
    }
  } finally {
    if (poll) clearInterval(poll)
    rt.controllers.delete(run.run_id)
    rt.leases.release(run.run_id)
  }
  if (storageFull) {
    opts.onStorageFull?.(run)
    await requeueWhenSpace(rt, run.run_id)
    return settled
  }
  // another worker took the run over: nothing of this attempt is settled here (the queue logs it apart)
  if (abort.signal.reason === LEASE_LOST) return { status: 'pending', error: { code: LEASE_LOST, message: 'another worker took the run over (this one stalled past its lease)' } }
  await settle(rt, run, settled, abort.signal.reason, settled.status !== 'interrupted' && final.values !== undefined ? final : undefined)
  return settled
}

async function interruptPending(rt: Runtime, run: RunRow, interruptId: string): Promise<boolean> {
  const state = await rt.graph(run.graph).getState({ configurable: { thread_id: run.thread_id } })
  return state.tasks.some((t) => t.interrupts.some((i) => i.id === interruptId))
}

async function settle(rt: Runtime, run: RunRow, s: Settled, reason: unknown, seen?: { values?: unknown; interrupts?: unknown[] }, arm = true) {
  const ended = async () => {
    if (seen) return { values: seen.values, interrupts: seen.interrupts ?? [], waiting: seen.interrupts !== undefined }
    const state = await rt.graph(run.graph).getState({ configurable: { thread_id: run.thread_id } })
    const interrupts = state.tasks.flatMap((t) => t.interrupts) as unknown[]
    return { values: state.values as unknown, interrupts, waiting: interrupts.length > 0 || (s.status !== 'error' && state.next.length > 0) }
  }
  const me = rt.leases.claimant.workerId
  // another worker took the run over (this one stalled past its lease): it is that worker's to settle
  if (reason === LEASE_LOST) return
  if (reason === 'shutdown') {
    // the process is stopping: the run goes back to the queue and continues from its last checkpoint later
    await rt.runs.requeueRun(run.run_id, me)
    rt.bus.end(run.run_id, undefined)
    return
  }
  const rolledBack = reason === 'rollback'
  if (rolledBack) await rt.runs.deleteRun(run.run_id)
  // only while this worker still holds the run: a run settles exactly once, by its current owner
  const finish = async () => rolledBack ? undefined : rt.runs.finishRun(run.run_id, s.status, s.status === 'interrupted' ? 'cancelled' : s.error?.message ?? null, me)
  let final: RunRow | undefined
  if (run.temporary) {
    final = await finish()
    if (!final && !rolledBack) return
    // a stateless run's thread goes away; keep its final values for runs/wait
    const payload = wireJson((await ended()).values)
    await rt.runs.setPayload(run.run_id, payload)
    if (final) final = { ...final, payload }
    await rt.checkpointer.deleteThread(run.thread_id)
    await rt.runs.deleteThreadRow(run.thread_id)
  } else {
    const end = await ended()
    rt.finalStates.remember(run.run_id, { values: end.values, interrupts: end.interrupts })
    const status = s.status === 'error' ? 'error' : end.waiting ? 'interrupted' : 'idle'
    // the run's status and its thread's, in one commit
    ;[final] = await Promise.all([finish(), rt.runs.setThreadStatus(run.thread_id, status, { runId: run.run_id, workerId: me })])
    if (arm && s.status === 'success' && end.interrupts.length > 0) await armInterruptTimers(rt, run, end.interrupts as InterruptLike[])
  }
  rt.bus.end(run.run_id, final)
}
