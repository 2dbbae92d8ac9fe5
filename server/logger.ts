import type { MiddlewareHandler } from 'hono'
import { pino, type Logger } from 'pino'
import { AppError } from '../store/app-error.js'
import { currentTenant } from '../store/tenant-scope.js'

export type { Logger }

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/**
 * The server's structured log: one JSON object per line (pino), on stderr by default, so stdout keeps
 * only what the CLI prints for people. `level` from `SWITCHYARD_LOG_LEVEL` (default info).
 *
 * @example
 * const log = createLogger({ level: process.env.SWITCHYARD_LOG_LEVEL })
 * log.info({ run_id }, 'run finished')
 */
export function createLogger(opts: { level?: string; destination?: number | string } = {}): Logger {
  const level = opts.level?.trim() || 'info'
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new AppError('VALIDATION', `log level must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`)
  }
  return pino({ level, base: { service: 'switchyard' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: opts.destination ?? 2, sync: false }))
}

/** Logs every request once its response has started: method, path, status, milliseconds, tenant. */
export function accessLog(log: Logger): MiddlewareHandler {
  return async function logRequest(c, next) {
    const t0 = performance.now()
    await next()
    const ms = Math.round((performance.now() - t0) * 100) / 100
    const tenant = currentTenant()
    log.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms, ...(tenant ? { tenant } : {}) }, 'request')
  }
}
