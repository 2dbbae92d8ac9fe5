import ELK from 'elkjs/lib/elk.bundled.js'
import { describe, expect, it } from 'vitest'
import { placements, toElk } from '../../web/src/graph/elk-layout.js'
import { buildModel, type GraphJson } from '../../web/src/graph/graph-model.js'

const node = (id: string) => ({ id, type: 'runnable', metadata: {} })
/** sdlc's shape: phases with gates that loop back (cycles ELK must break). */
const LOOPS: GraphJson = {
  nodes: ['__start__', 'analyst', 'review_analyst', 'architect', 'review_architect', 'child:a', 'child:b', '__end__'].map(node),
  edges: [
    { source: '__start__', target: 'analyst' }, { source: 'analyst', target: 'review_analyst' },
    { source: 'review_analyst', target: 'analyst', conditional: true }, { source: 'review_analyst', target: 'architect', conditional: true },
    { source: 'architect', target: 'review_architect' }, { source: 'review_architect', target: 'architect', conditional: true },
    { source: 'review_architect', target: 'child:a', conditional: true }, { source: 'child:a', target: 'child:b' }, { source: 'child:b', target: '__end__' },
  ],
}

describe('the ELK layout', () => {
  it('is the same on every run (model-order cycle breaking), and keeps the flow top to bottom', async () => {
    const elk = new ELK()
    const runs = await Promise.all([0, 1, 2].map(() => elk.layout(toElk(buildModel(LOOPS)))))
    const [first, ...rest] = runs.map((r) => JSON.stringify([...placements(r)]))
    for (const r of rest) expect(r).toBe(first)
    const at = placements(runs[0]!)
    expect(at.get('__start__')!.y).toBeLessThan(at.get('analyst')!.y)
    expect(at.get('analyst')!.y).toBeLessThan(at.get('review_analyst')!.y)
    expect(at.get('review_analyst')!.y).toBeLessThan(at.get('architect')!.y)
  })

  it('places a subgraph\'s nodes inside its group, relative to it', async () => {
    const at = placements(await new ELK().layout(toElk(buildModel(LOOPS))))
    const group = at.get('child')!
    const a = at.get('child:a')!
    expect(a.x).toBeGreaterThanOrEqual(0)
    expect(a.x + a.width).toBeLessThanOrEqual(group.width)
    expect(a.y + a.height).toBeLessThanOrEqual(group.height)
  })
})
