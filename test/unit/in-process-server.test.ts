/**
 * The test helper's in-process mode (test/helpers/in-process.ts): handler suites reach the app's
 * fetch handler with no socket, and what handlers read from the connection still behaves as on loopback.
 */
import { connect } from 'node:net'
import { describe, expect, test } from 'bun:test'
import { startServer } from '../helpers/server.ts'

const refused = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { port, hostname } = new URL(url)
    const socket = connect(Number(port), hostname)
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })

const loggedIp = (logs: string[]) =>
  logs
    .map((l) => JSON.parse(l) as { msg: string; ip?: string })
    .filter((l) => l.msg === 'request')
    .at(-1)?.ip

describe('test helper: in-process server', () => {
  test('answers through fetch without a listening port', async () => {
    await using server = await startServer()
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    expect(await refused(server.url)).toBe(true)
  })

  test('the peer is 127.0.0.1; X-Forwarded-For counts only if it is a trusted proxy (RFC 9700 §4.13)', async () => {
    await using plain = await startServer()
    await fetch(`${plain.url}/healthz`, { headers: { 'X-Forwarded-For': '203.0.113.7' } })
    expect(loggedIp(plain.logs)).toBe('127.0.0.1')
    await using proxied = await startServer({ config: { trustedProxies: ['127.0.0.1'] } })
    await fetch(`${proxied.url}/healthz`, { headers: { 'X-Forwarded-For': '203.0.113.7' } })
    expect(loggedIp(proxied.logs)).toBe('203.0.113.7')
  })

  test.each([false, true])(
    'redirects are followed unless redirect is manual, the same with socket: %p',
    async (socket) => {
      await using server = await startServer({ socket })
      const manual = await fetch(`${server.url}/account/applications`, { redirect: 'manual' })
      const followed = await fetch(`${server.url}/account/applications`)
      expect([manual.status, manual.url]).toEqual([303, `${server.url}/account/applications`])
      expect([followed.status, new URL(followed.url).pathname]).toEqual([200, '/login'])
    },
  )

  test.each([false, true])('HEAD answers carry no body, the same with socket: %p', async (socket) => {
    await using server = await startServer({ socket })
    const res = await fetch(`${server.url}/healthz`, { method: 'HEAD' })
    expect([res.status, await res.text()]).toEqual([200, ''])
  })

  test('socket: true binds a real port', async () => {
    await using server = await startServer({ socket: true })
    expect(await refused(server.url)).toBe(false)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })
})
