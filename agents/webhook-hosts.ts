import { AppError } from '../store/app-error.js'

/**
 * The hosts webhooks may call, from `SWITCHYARD_WEBHOOK_HOSTS` (comma-separated: `hooks.example.com`,
 * `*.example.com` for its subdomains, `10.0.0.5:9000` for one port); undefined (unset) allows every
 * host, as before. Set it when a server is reachable by others: a run's webhook, or a YAML webhook
 * step, would otherwise let them make the server send requests into its own network.
 */
export function webhookHostsFrom(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const raw = env.SWITCHYARD_WEBHOOK_HOSTS?.trim()
  if (!raw) return undefined
  return raw.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)
}

const defaultPort = (protocol: string) => (protocol === 'https:' ? '443' : '80')

function matches(url: URL, entry: string): boolean {
  const [host, port] = entry.startsWith('[') ? [entry.slice(0, entry.indexOf(']') + 1), entry.slice(entry.indexOf(']') + 2) || undefined] : entry.split(':') as [string, string | undefined]
  if (port !== undefined && port !== (url.port || defaultPort(url.protocol))) return false
  const name = url.hostname.toLowerCase()
  return host.startsWith('*.') ? name.endsWith(host.slice(1)) && name.length > host.length - 1 : name === host
}

/**
 * Throws `VALIDATION` unless `url` is an http(s) URL whose host is in `hosts` (no list: any host).
 *
 * @example
 * checkWebhookUrl('https://a.hooks.example.com/x', ['*.hooks.example.com']) // passes
 * checkWebhookUrl('http://169.254.169.254/', ['*.hooks.example.com'])       // throws VALIDATION
 */
export function checkWebhookUrl(url: string, hosts: readonly string[] | undefined): void {
  if (!hosts) return
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new AppError('VALIDATION', `webhook ${url} is not a URL`, { details: { webhook: url } })
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !hosts.some((h) => matches(u, h))) {
    throw new AppError('VALIDATION', `webhook host ${u.host} is not in SWITCHYARD_WEBHOOK_HOSTS`, { details: { webhook: url, allowed: hosts } })
  }
}
