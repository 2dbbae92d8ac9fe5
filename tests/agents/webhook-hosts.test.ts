import { describe, expect, it } from 'vitest'
import { checkWebhookUrl, webhookHostsFrom } from '../../agents/webhook-hosts.js'

describe('webhook host allowlist', () => {
  const hosts = webhookHostsFrom({ SWITCHYARD_WEBHOOK_HOSTS: ' Hooks.Example.com, *.corp.example ,10.0.0.5:9000,[::1]:8080' })

  it('reads the list (unset or blank: no list, every host allowed)', () => {
    expect(hosts).toEqual(['hooks.example.com', '*.corp.example', '10.0.0.5:9000', '[::1]:8080'])
    expect(webhookHostsFrom({})).toBeUndefined()
    expect(webhookHostsFrom({ SWITCHYARD_WEBHOOK_HOSTS: '  ' })).toBeUndefined()
    expect(() => checkWebhookUrl('http://169.254.169.254/latest', undefined)).not.toThrow()
  })

  it('allows listed hosts, subdomains of *. entries, and ports only where one is given', () => {
    for (const ok of ['https://hooks.example.com/x', 'http://HOOKS.example.com:8443/x', 'https://a.corp.example/', 'https://a.b.corp.example/', 'http://10.0.0.5:9000/', 'http://[::1]:8080/']) {
      expect(() => checkWebhookUrl(ok, hosts), ok).not.toThrow()
    }
  })

  it('refuses everything else with VALIDATION', () => {
    for (const bad of ['http://169.254.169.254/', 'https://corp.example/', 'https://evilcorp.example/', 'https://hooks.example.com.evil.io/', 'http://10.0.0.5/', 'http://10.0.0.5:9001/', 'http://[::1]:8081/', 'ftp://hooks.example.com/', 'not a url']) {
      expect(() => checkWebhookUrl(bad, hosts), bad).toThrow(expect.objectContaining({ code: 'VALIDATION' }) as Error)
    }
  })
})
