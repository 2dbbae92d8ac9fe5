// @vitest-environment happy-dom
import { act, useState } from 'react'
import { describe, expect, it } from 'vitest'
import { InterruptCard, shapeOf } from '../../web/src/live/interrupt-card.js'
import { emptyOf, fieldsToSchema, inferSchema, type JsonSchema } from '../../web/src/live/json-schema.js'
import type { LiveInterrupt } from '../../web/src/live/live-reducer.js'
import { SchemaForm } from '../../web/src/live/schema-form.js'
import { click, eventually, render, type } from './render.js'

// the sdlc assistant's input schema as `GET /assistants/{id}/schemas` answers it
const SDLC_INPUT: JsonSchema = { type: 'object', properties: { task: { type: 'string', minLength: 1, maxLength: 20000 } }, required: ['task'] }

async function typeArea(el: HTMLTextAreaElement, value: string): Promise<void> {
  await act(async () => {
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(el, value)
    el.dispatchEvent(new Event('input', { bubbles: true }))
  })
}

function Harness({ schema, initial, seen }: { schema: JsonSchema | undefined; initial: unknown; seen: unknown[] }) {
  const [v, setV] = useState<unknown>(initial)
  return <SchemaForm schema={schema} value={v} onChange={(x) => { seen.push(x); setV(x) }} label="Run input" />
}

describe('the schema form (run input, amended artifacts)', () => {
  it('draws the input schema; the form and the raw JSON editor stay in step both ways', async () => {
    const seen: unknown[] = []
    const { container, unmount } = await render(<Harness schema={SDLC_INPUT} initial={emptyOf(SDLC_INPUT)} seen={seen} />)
    const task = container.querySelector<HTMLTextAreaElement>('textarea[data-path="task"]')!
    const raw = container.querySelector<HTMLTextAreaElement>('[data-testid="raw-json"]')!
    expect(JSON.parse(raw.value)).toEqual({ task: '' })
    await typeArea(task, 'build a todo app')
    expect(JSON.parse(raw.value)).toEqual({ task: 'build a todo app' })
    await typeArea(raw, '{"task": "from JSON"}')
    expect(task.value).toBe('from JSON')
    // invalid JSON: said so, the last valid value kept
    await typeArea(raw, '{"task": ')
    expect(container.querySelector('[role="alert"]')!.textContent).toMatch(/Not JSON/)
    expect(seen.at(-1)).toEqual({ task: 'from JSON' })
    unmount()
  })

  it('an artifact without a schema of its own is edited through the shape it has: strings, lists (add/remove), objects, booleans', async () => {
    const artifact = { summary: 'sum', requirements: ['r1'], components: [{ name: 'api', responsibility: 'serve' }], passed: false }
    const schema = inferSchema(artifact)
    const seen: unknown[] = []
    const { container, unmount } = await render(<Harness schema={schema} initial={artifact} seen={seen} />)
    await type(container.querySelector<HTMLInputElement>('input[data-path="summary"]')!, '')
    await click([...container.querySelectorAll('button')].find((b) => b.textContent === 'Add requirements')!)
    await type(container.querySelector<HTMLInputElement>('input[data-path="requirements.1"]')!, 'r2')
    await type(container.querySelector<HTMLInputElement>('input[data-path="components.0.name"]')!, 'web')
    await click(container.querySelector<HTMLInputElement>('input[data-path="passed"]')!)
    expect(seen.at(-1)).toEqual({ summary: '', requirements: ['r1', 'r2'], components: [{ name: 'web', responsibility: 'serve' }], passed: true })
    await click(container.querySelector('button[aria-label="Remove requirements 1"]')!)
    expect(seen.at(-1)).toMatchObject({ requirements: ['r2'] })
    unmount()
  })

  it('a YAML human step schema ({field: type}) becomes a JSON Schema with its optional fields', () => {
    expect(fieldsToSchema({ title: 'string', tags: 'string[]?', n: 'integer' })).toEqual({
      type: 'object', required: ['title', 'n'],
      properties: { title: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } }, n: { type: 'integer' } },
    })
  })
})

const gate = (payload: unknown): LiveInterrupt => ({ id: 'i1', runId: 'r', node: 'review_analyst', namespace: [], payload, seq: 1, answered: false })
const SDLC_GATE = { kind: 'approval', phase: 'analyst', attempt: 1, artifact: { summary: 's', requirements: ['r'], acceptance_criteria: ['a'] }, actions: ['approve', 'reject', 'amend'] }
const button = (c: HTMLElement, text: string) => [...c.querySelectorAll('button')].find((b) => b.textContent === text)!

describe('the interrupt card (human in the loop)', () => {
  it('reads the payloads: sdlc gate, YAML human step, anything else', () => {
    expect(shapeOf(SDLC_GATE)).toMatchObject({ kind: 'gate', actions: ['approve', 'reject', 'amend'] })
    expect(shapeOf({ type: 'human', step: 'ok', prompt: 'Ship it?', actions: ['approve', 'reject', 'amend', 'value'], schema: { note: 'string' } })).toMatchObject({ kind: 'human', prompt: 'Ship it?', schema: { properties: { note: { type: 'string' } } } })
    expect(shapeOf('what is your name?')).toMatchObject({ kind: 'json' })
  })

  it('approve, reject with a reason, amend from the artifact form: each sends the decision the gate takes', async () => {
    const sent: unknown[] = []
    const respond = async (r: unknown) => { sent.push(r) }
    let r = await render(<InterruptCard interrupt={gate(SDLC_GATE)} respond={respond} />)
    await click(button(r.container, 'Approve'))
    expect(sent.at(-1)).toEqual({ action: 'approve' })
    r.unmount()

    r = await render(<InterruptCard interrupt={gate(SDLC_GATE)} respond={respond} />)
    await click(button(r.container, 'Reject…'))
    expect(button(r.container, 'Reject with this reason').disabled).toBe(true)
    await typeArea(r.container.querySelector('textarea')!, 'too vague')
    await click(button(r.container, 'Reject with this reason'))
    expect(sent.at(-1)).toEqual({ action: 'reject', reason: 'too vague' })
    r.unmount()

    r = await render(<InterruptCard interrupt={gate(SDLC_GATE)} respond={respond} />)
    await click(button(r.container, 'Amend…'))
    await type(r.container.querySelector<HTMLInputElement>('input[data-path="summary"]')!, 'amended summary')
    await click(button(r.container, 'Send the amended artifact'))
    expect(sent.at(-1)).toEqual({ action: 'amend', artifact: { summary: 'amended summary', requirements: ['r'], acceptance_criteria: ['a'] } })
    r.unmount()
  })

  it("shows the server's refusal of the last answer (the gate asks again with error), and a refused command", async () => {
    const refused = { ...SDLC_GATE, error: 'amended analyst artifact does not match its schema: summary: Too small' }
    const r = await render(<InterruptCard interrupt={gate(refused)} respond={async () => { throw new Error('thread t has no pending interrupt i1') }} />)
    expect(r.container.querySelector('[data-testid="refused"]')!.textContent).toContain('summary: Too small')
    await click(button(r.container, 'Approve'))
    await eventually(() => expect(r.container.querySelector('[data-testid="respond-error"]')!.textContent).toContain('no pending interrupt'))
    r.unmount()
  })

  it('any other interrupt takes a JSON resume value', async () => {
    const sent: unknown[] = []
    const r = await render(<InterruptCard interrupt={gate({ question: 'name?' })} respond={async (x) => { sent.push(x) }} />)
    await typeArea(r.container.querySelector<HTMLTextAreaElement>('[data-testid="raw-json"]')!, '{"name": "Ada"}')
    await click(button(r.container, 'Resume with this value'))
    expect(sent).toEqual([{ name: 'Ada' }])
    r.unmount()
  })
})
