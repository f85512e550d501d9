/** What issue 14 §6 asks of every answer given while the database cannot be used, and of its log. */
import { expect } from 'bun:test'
import { DEVICE_CODE_GRANT } from '../../src/services/applications/applications.ts'
import type { HandlerServices } from '../../src/services/index.ts'
import type { Client } from './fixtures.ts'

export type Shape = 'oauth' | 'page' | 'graphql'

/** 503, a Retry-After in whole seconds, and the body each kind of endpoint owes its caller. */
export async function expectUnavailable(res: Response, shape: Shape): Promise<void> {
  const text = await res.text()
  expect({ status: res.status, text }).toMatchObject({ status: 503 })
  expect(res.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/)
  if (shape === 'oauth') expect(JSON.parse(text)).toMatchObject({ error: 'temporarily_unavailable' })
  if (shape === 'page') {
    expect(res.headers.get('content-type')).toStartWith('text/html')
    expect(text).toContain('temporarily_unavailable')
  }
  if (shape === 'graphql')
    expect(JSON.parse(text)).toMatchObject({ errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE' } }] })
}

/**
 * One log line for the request (its request line, naming the fault), and no stack or "unhandled
 * error" anywhere in the log: an outage is not a defect.
 */
export function expectOneQuietLine(logs: string[], res: Response): void {
  const id = res.headers.get('x-request-id')
  const mine = logs.filter((l) => l.includes(`"${id}"`)).map((l) => JSON.parse(l) as Record<string, unknown>)
  expect(mine).toHaveLength(1)
  expect(mine[0]).toMatchObject({ msg: 'request', status: 503 })
  expect(typeof mine[0]!.fault).toBe('string')
  expect(logs.filter((l) => l.includes('unhandled error') || /\bat .*:\d+:\d+/.test(l))).toEqual([])
}

/** A confidential machine client: each client_credentials or device authorization request writes a row. */
export async function machineClient(services: HandlerServices): Promise<Client> {
  const { application, clientSecret } = await services.applications.create({
    name: 'Fault bot',
    grantTypes: ['client_credentials', DEVICE_CODE_GRANT],
    scopes: ['read_user'],
  })
  return { clientId: application.clientId, secret: clientSecret, redirectUri: '' }
}
