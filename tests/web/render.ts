import { act, createElement, type ReactElement } from 'react'
import { createRoot, type Root } from 'react-dom/client'

// tells React that updates in these tests are wrapped in act()
;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true

export interface Rendered { container: HTMLElement; root: Root; unmount(): void }

/** Renders `element` into a fresh container in the (happy-dom) document; files that use it start with `// @vitest-environment happy-dom`. */
export async function render(element: ReactElement): Promise<Rendered> {
  const container = document.createElement('div')
  document.body.append(container)
  const root = createRoot(container)
  await act(async () => { root.render(element) })
  return { container, root, unmount: () => { act(() => root.unmount()); container.remove() } }
}

/** Sets an input's value as a user would (React listens to the native input event). */
export async function type(input: HTMLInputElement, value: string): Promise<void> {
  await act(async () => {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!
    setter.call(input, value)
    input.dispatchEvent(new Event('input', { bubbles: true }))
  })
}

export const click = (el: Element) => act(async () => { (el as HTMLElement).click() })

export { createElement as h }

/** Retries `check` (an assertion) every 20 ms, letting React apply pending updates inside act(), until it passes or `ms` ran out. */
export async function eventually(check: () => void, ms = 5_000): Promise<void> {
  for (const end = Date.now() + ms; ;) {
    await act(async () => { await new Promise((r) => setTimeout(r, 20)) })
    try {
      check()
      return
    } catch (e) {
      if (Date.now() > end) throw e
    }
  }
}
