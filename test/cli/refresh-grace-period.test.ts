/**
 * Issue 16: `latchkey app create|update --refresh-grace-period SECONDS` sets an application's rotation
 * grace period (RFC 9700 §4.14.2 relaxed for clients that refresh in parallel); bad values are refused
 * naming the flag, and leave the application as it was.
 */
import { describe, expect, test } from 'bun:test'
import { cli, startCliServer } from '../helpers/cli.ts'

const RP_URI = 'https://rp.example/cb'

describe('issue 16: latchkey app --refresh-grace-period', () => {
  test('create and update set it, --json and show report it, 0 turns it off', async () => {
    await using lk = await startCliServer()
    const plain = await lk.run(['app', 'create', '--name', 'Plain', '--redirect-uri', RP_URI, '--json'])
    expect(plain.json<{ refresh_grace_period: number }>().refresh_grace_period).toBe(0)
    const created = await lk.run([
      'app',
      'create',
      '--name',
      'GCM',
      '--public',
      '--redirect-uri',
      RP_URI,
      '--refresh-grace-period',
      '30',
      '--json',
    ])
    expect(created.code).toBe(0)
    const app = created.json<{ client_id: string; refresh_grace_period: number }>()
    expect(app.refresh_grace_period).toBe(30)
    const shown = await lk.run(['app', 'show', app.client_id])
    expect(shown.stdout).toContain('refresh grace: 30 s')
    const updated = await lk.run(['app', 'update', app.client_id, '--refresh-grace-period', '300', '--json'])
    expect(updated.json<{ refresh_grace_period: number }>().refresh_grace_period).toBe(300)
    const off = await lk.run(['app', 'update', app.client_id, '--refresh-grace-period', '0', '--json'])
    expect(off.json<{ refresh_grace_period: number }>().refresh_grace_period).toBe(0)
    expect((await lk.run(['app', 'show', app.client_id])).stdout).not.toContain('refresh grace')
  })

  test('bad values are refused naming --refresh-grace-period, and change nothing', async () => {
    await using lk = await startCliServer()
    const app = (
      await lk.run(['app', 'create', '--name', 'A', '--redirect-uri', RP_URI, '--refresh-grace-period', '10', '--json'])
    ).json<{ client_id: string }>()
    for (const bad of ['301', '-1', '1.5', 'soon', '', '1e3']) {
      const r = await lk.run(['app', 'update', app.client_id, '--refresh-grace-period', bad])
      expect({ bad, failed: r.code !== 0 }).toEqual({ bad, failed: true })
      expect(r.stderr).toContain('--refresh-grace-period')
      expect(r.stdout).toBe('')
    }
    const tooLong = await lk.run([
      'app',
      'create',
      '--name',
      'B',
      '--redirect-uri',
      RP_URI,
      '--refresh-grace-period',
      '3600',
    ])
    expect(tooLong.code).not.toBe(0)
    expect(tooLong.stderr).toContain('--refresh-grace-period')
    expect(tooLong.stderr).toContain('300')
    const shown = (await lk.run(['app', 'show', app.client_id, '--json'])).json<{ refresh_grace_period: number }>()
    expect(shown.refresh_grace_period).toBe(10)
    const apps = (await lk.run(['app', 'list', '--json'])).json<unknown[]>()
    expect(apps).toHaveLength(1)
  })

  test('each command’s --help names the flag', async () => {
    for (const sub of ['create', 'update']) {
      const help = await cli(['app', sub, '--help'])
      expect(help.stdout).toContain('--refresh-grace-period SECONDS')
    }
  })
})
