import { describe, expect, it } from 'vitest'
import { buildModel, takenFromHistory, type GraphJson } from '../../web/src/graph/graph-model.js'

const n = (id: string, metadata?: Record<string, unknown>) => ({ id, type: 'runnable', data: { name: id }, metadata: metadata ?? {} })
const e = (source: string, target: string, conditional = false, data?: string) => ({ source, target, conditional, ...(data ? { data } : {}) })

/** What LangGraph draws for a router `route` with no path map: an edge to every other node and to __end__. */
const FANOUT: GraphJson = {
  nodes: [n('__start__'), n('route'), n('a'), n('b'), n('c'), n('__end__')],
  edges: [e('__start__', 'route'), e('route', 'a', true), e('route', 'b', true), e('route', 'c', true), e('route', '__end__', true), e('a', '__end__'), e('b', '__end__'), e('c', '__end__')],
}

describe('buildModel', () => {
  it('reads node kinds from metadata, LangGraph\'s tool and interrupt markers, and start/end', () => {
    const m = buildModel({
      nodes: [n('__start__'), n('agent', { kind: 'agent' }), n('tools', { __tools: ['search'] }), n('gate', { __interrupt: 'before' }), n('sh', { kind: 'step', step_type: 'shell' }), n('__end__')],
      edges: [e('__start__', 'agent'), e('agent', 'tools', true, 'call'), e('agent', '__end__', true), e('tools', 'agent')],
    })
    expect(m.nodes.map((x) => [x.id, x.kind, x.stepType ?? x.tools ?? null])).toEqual([
      ['__start__', 'start', null], ['agent', 'agent', null], ['tools', 'tool', ['search']], ['gate', 'human', null], ['sh', 'step', 'shell'], ['__end__', 'end', null],
    ])
    // branch labels are kept when they say more than the target's name
    expect(m.edges.find((x) => x.id === 'agent->tools')).toMatchObject({ conditional: true, label: 'call' })
    expect(m.edges.find((x) => x.id === 'agent->__end__')?.label).toBeUndefined()
  })

  it('draws a router without a path map as unknown, not as a fan-out', () => {
    const m = buildModel(FANOUT)
    expect(m.nodes.find((x) => x.id === 'route')?.unknownTargets).toBe(true)
    expect(m.edges.filter((x) => x.source === 'route')).toEqual([{ id: 'route->route#?', source: 'route', target: 'route#?', conditional: true, label: 'targets unknown: no path map' }])
    expect(m.nodes.find((x) => x.id === 'route#?')?.kind).toBe('unknown')
  })

  it('draws only the targets the thread took, when it took some', () => {
    const m = buildModel(FANOUT, { taken: new Set(['route->b']) })
    expect(m.edges.filter((x) => x.source === 'route').map((x) => [x.target, x.label, x.taken])).toEqual([['b', 'taken', true]])
    expect(m.nodes.some((x) => x.kind === 'unknown')).toBe(false)
  })

  it('trusts the server\'s flag, and leaves a path-mapped router as drawn', () => {
    const flagged = buildModel({ nodes: [n('r', { branch_targets: 'unknown' }), n('a'), n('b'), n('c')], edges: [e('r', 'a', true)] })
    expect(flagged.nodes.find((x) => x.id === 'r')?.unknownTargets).toBe(true)
    const mapped = buildModel({ nodes: [n('r'), n('a'), n('b'), n('c'), n('__end__')], edges: [e('r', 'a', true), e('r', '__end__', true)] })
    expect(mapped.edges.map((x) => x.id)).toEqual(['r->a', 'r->__end__'])
  })

  it('puts xray subgraph nodes in a group, and draws a collapsed group as one node with its edges rerouted', () => {
    const json: GraphJson = {
      nodes: [n('__start__'), n('plan'), n('child:outline'), n('child:review'), n('finish'), n('__end__')],
      edges: [e('__start__', 'plan'), e('plan', 'child:outline'), e('child:outline', 'child:review'), e('child:review', 'finish'), e('finish', '__end__')],
    }
    const open = buildModel(json)
    expect(open.nodes.find((x) => x.id === 'child')).toMatchObject({ kind: 'subgraph', label: 'child' })
    expect(open.nodes.find((x) => x.id === 'child:review')).toMatchObject({ parent: 'child', label: 'review' })
    const shut = buildModel(json, { collapsed: new Set(['child']) })
    expect(shut.nodes.map((x) => x.id)).toEqual(['__start__', 'plan', 'child', 'finish', '__end__'])
    expect(shut.nodes[2]).toMatchObject({ hidden: 2 })
    expect(shut.edges.map((x) => x.id)).toEqual(['__start__->plan', 'plan->child', 'child->finish', 'finish->__end__'])
  })
})

describe('takenFromHistory', () => {
  it('links what was next at each checkpoint to what was next at the one after, oldest first', () => {
    // history as the API gives it: newest first
    const taken = takenFromHistory([
      { next: [], metadata: { step: 3 } },
      { next: ['b'], metadata: { step: 2 } },
      { next: ['route'], metadata: { step: 1 } },
      { next: ['__start__'], metadata: { step: -1 } },
    ])
    expect([...taken]).toEqual(['__start__->route', 'route->b', 'b->__end__'])
  })
})
