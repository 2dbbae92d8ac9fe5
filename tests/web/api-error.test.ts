import { describe, expect, it } from 'vitest'
import { ApiError, toApiError } from '../../web/src/api/api-error.js'

describe('toApiError', () => {
  it('reads the JSON body of the SDK\'s HTTPError', () => {
    const e = toApiError({ status: 404, message: 'HTTP 404: {"code":"NOT_FOUND","message":"thread t1 not found"}' })
    expect(e).toBeInstanceOf(ApiError)
    expect([e.kind, e.status, e.code, e.message]).toEqual(['not-found', 404, 'NOT_FOUND', 'thread t1 not found'])
  })
  it('keeps a plain-text body (the official server answers errors as text)', () => {
    const e = toApiError({ status: 500, message: 'HTTP 500: boom' })
    expect([e.kind, e.message, e.code]).toEqual(['server', 'boom', undefined])
  })
  it('maps 401 and 403 to unauthorized and 422 to a refusal', () => {
    expect(toApiError({ status: 401, message: 'HTTP 401: {"code":"UNAUTHORIZED","message":"unknown API key"}' }).kind).toBe('unauthorized')
    expect(toApiError({ status: 403, message: '' }).kind).toBe('unauthorized')
    expect(toApiError({ status: 422, message: 'HTTP 422: {"detail":"bad amend"}' })).toMatchObject({ kind: 'bad-request', message: 'bad amend' })
  })
  it('sees a network failure, from fetch or wrapped by the SDK, as the server being down', () => {
    expect(toApiError(new TypeError('Failed to fetch'))).toMatchObject({ kind: 'down', message: 'the server is unreachable (Failed to fetch)' })
    const wrapped = Object.assign(new Error('Unable to connect to LangGraph server. Please ensure the server is running and accessible. Original error: Failed to fetch'), { name: 'ConnectionError' })
    expect(toApiError(wrapped)).toMatchObject({ kind: 'down', message: 'the server is unreachable (Failed to fetch)' })
  })
})
