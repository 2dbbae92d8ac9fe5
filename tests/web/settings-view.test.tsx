// @vitest-environment happy-dom
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { useConnection } from '../../web/src/stores/connection-store.js'
import { SETTINGS_KEY, useSettings } from '../../web/src/stores/settings-store.js'
import { SettingsView } from '../../web/src/views/settings-view.js'
import { click, eventually, render, type } from './render.js'

describe('the settings panel', () => {
  let srv: Server
  let apiUrl: string
  const seenKeys: (string | undefined)[] = []
  beforeAll(async () => {
    // a server answering /info the way switchyard does, from another origin (CORS allowed)
    srv = createServer((req, res) => {
      seenKeys.push(req.headers['x-api-key'] as string | undefined)
      res.writeHead(req.url === '/info' ? 200 : 404, { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' })
      res.end(JSON.stringify(req.url === '/info' ? { server: 'switchyard', version: '9.9.9' } : { code: 'NOT_FOUND', message: 'no' }))
    })
    await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok))
    apiUrl = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((ok) => srv.close(() => ok())))

  it('starts from the page origin and no key', async () => {
    localStorage.clear()
    useSettings.getState().reset()
    const { container, unmount } = await render(<SettingsView />)
    expect(container.querySelector<HTMLInputElement>('#api-url')!.value).toBe(location.origin)
    expect(container.querySelector<HTMLInputElement>('#api-key')!.value).toBe('')
    unmount()
  })

  it('saves URL (without a trailing slash) and key to localStorage, then checks the server with the key', async () => {
    const { container, unmount } = await render(<SettingsView />)
    await type(container.querySelector<HTMLInputElement>('#api-url')!, `${apiUrl}/`)
    await type(container.querySelector<HTMLInputElement>('#api-key')!, 'key-abcdef')
    await click(container.querySelector('button[type=submit]')!)
    expect(JSON.parse(localStorage.getItem(SETTINGS_KEY)!)).toEqual({ apiUrl, apiKey: 'key-abcdef', theme: 'system' })
    expect(container.querySelector('[data-testid=settings-saved]')?.textContent).toBe('Saved.')
    await eventually(() => expect(container.querySelector('[data-testid=server-info]')?.textContent).toBe('Server: switchyard 9.9.9'))
    expect(useConnection.getState().status).toBe('up')
    expect(seenKeys).toContain('key-abcdef')
    unmount()
  })

  it('switches the theme and keeps it', async () => {
    const { container, unmount } = await render(<SettingsView />)
    await click(container.querySelector('input[value=dark]')!)
    expect(useSettings.getState().theme).toBe('dark')
    expect(JSON.parse(localStorage.getItem(SETTINGS_KEY)!).theme).toBe('dark')
    unmount()
  })

  it('ignores a corrupt stored value instead of failing to start', async () => {
    localStorage.setItem(SETTINGS_KEY, '{not json')
    vi.resetModules()
    const { useSettings: fresh } = await import('../../web/src/stores/settings-store.js')
    expect(fresh.getState().apiUrl).toBe(location.origin)
  })
})
