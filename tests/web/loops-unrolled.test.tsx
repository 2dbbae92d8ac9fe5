// @vitest-environment happy-dom
import { useState } from 'react'
import { describe, expect, it } from 'vitest'
import { buildModel, type GraphJson } from '../../web/src/graph/graph-model.js'
import { unrollLine } from '../../web/src/graph/unroll.js'
import { LoopToggle, type LoopMode } from '../../web/src/timetravel/thread-debugger.js'
import { click, h, render } from './render.js'

// the shape of `loop`/`boom` (tests/web/fixtures/live): review loops on itself, then goes on to explode
const GRAPH: GraphJson = {
  nodes: [
    { id: '__start__', type: 'schema' },
    { id: 'review', type: 'runnable', metadata: { kind: 'agent' } },
    { id: 'explode', type: 'runnable', metadata: { branch_targets: 'unknown' } },
    { id: 'side', type: 'runnable' },
    { id: '__end__', type: 'schema' },
  ],
  edges: [
    { source: '__start__', target: 'review' },
    { source: 'review', target: 'review', conditional: true, data: 'again' },
    { source: 'review', target: 'explode', conditional: true },
    { source: 'review', target: 'side', conditional: true },
    { source: 'explode', target: '__end__' },
    { source: 'side', target: '__end__' },
  ],
}

describe('loops both ways: counted, or unrolled in execution order', () => {
  it('one node per execution, labelled with its number, edges in the order they ran; done before the scrub point', () => {
    // a thread's line starts with its input checkpoint (`next: ['__start__']`): not an execution
    const u = unrollLine(GRAPH, [{ next: ['__start__'] }, { next: ['review'] }, { next: ['review'] }, { next: ['review'] }, { next: ['explode'], errors: ['explode'] }])
    expect(u.graph.nodes.map((n) => n.id)).toEqual(['__start__', 'review#1', 'review#2', 'review#3', 'explode#1'])
    expect(u.graph.edges.map((e) => `${e.source}->${e.target}`)).toEqual(['__start__->review#1', 'review#1->review#2', 'review#2->review#3', 'review#3->explode#1'])
    // the graph's edge kinds and branch labels carry over
    expect(u.graph.edges[1]).toMatchObject({ conditional: true, data: 'again' })
    expect(u.states).toEqual({ 'review#1': { status: 'done' }, 'review#2': { status: 'done' }, 'review#3': { status: 'done' }, 'explode#1': { status: 'error' } })
    expect(u.nodeOf.get('review#2')).toBe('review')
    // drawn by the same model: labels `review #2`, kinds of the node they execute, no "?" router
    const model = buildModel(u.graph)
    expect(model.nodes.map((n) => [n.id, n.label, n.kind])).toEqual([
      ['__start__', '__start__', 'start'], ['review#1', 'review #1', 'agent'], ['review#2', 'review #2', 'agent'], ['review#3', 'review #3', 'agent'], ['explode#1', 'explode #1', 'node'],
    ])
    expect(model.nodes.some((n) => n.kind === 'unknown')).toBe(false)
  })

  it('a run that ended draws __end__; parallel nodes of a step stand side by side, each fed by the step before it', () => {
    const u = unrollLine(GRAPH, [{ next: ['review'] }, { next: ['explode', 'side'] }, { next: [] }], { ended: true })
    expect(u.graph.edges.map((e) => `${e.source}->${e.target}`)).toEqual(['__start__->review#1', 'review#1->explode#1', 'review#1->side#1', 'explode#1->__end__', 'side#1->__end__'])
    expect(Object.values(u.states).every((s) => s.status === 'done')).toBe(true)
  })

  it('the live states give the latest execution its time, error and stack; a node with no edge from the step before is fed by all of it', () => {
    const live = { review: { status: 'error' as const, count: 2, error: 'TypeError: x', stack: 'TypeError: x\n    at review' } }
    const u = unrollLine(GRAPH, [{ next: ['side'] }, { next: ['review'] }, { next: ['review'] }], { current: live })
    expect(u.graph.edges.map((e) => `${e.source}->${e.target}`)).toEqual(['__start__->side#1', 'side#1->review#1', 'review#1->review#2'])
    expect(u.states['review#1']).toEqual({ status: 'done' })
    expect(u.states['review#2']).toEqual({ status: 'error', error: 'TypeError: x', stack: 'TypeError: x\n    at review' })
  })

  it('the toggle: two pressed buttons, one pressed at a time', async () => {
    function Harness() {
      const [mode, setMode] = useState<LoopMode>('counted')
      return h('div', null, h(LoopToggle, { mode, onChange: setMode }), h('output', { 'data-testid': 'mode' }, mode))
    }
    const r = await render(h(Harness))
    const counted = r.container.querySelector<HTMLButtonElement>('[data-testid="loops-counted"]')!
    const unrolled = r.container.querySelector<HTMLButtonElement>('[data-testid="loops-unrolled"]')!
    expect([counted.getAttribute('aria-pressed'), unrolled.getAttribute('aria-pressed')]).toEqual(['true', 'false'])
    await click(unrolled)
    expect(r.container.querySelector('[data-testid="mode"]')!.textContent).toBe('unrolled')
    expect([counted.getAttribute('aria-pressed'), unrolled.getAttribute('aria-pressed')]).toEqual(['false', 'true'])
    expect(r.container.querySelector('[role="group"]')!.getAttribute('aria-label')).toBe('Loops')
    r.unmount()
  })
})
