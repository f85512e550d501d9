import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { copyFileSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runBinary } from '../helpers/binary.ts'
import { freePort } from '../helpers/server.ts'
import { storedTokenKey } from '../helpers/token-keys.ts'
import { inactive, integrityCheck, pool, prepare, redeem, serve } from './support.ts'

describe('latchkey backup (compiled binary)', () => {
  test(
    'a backup taken during writes opens, passes integrity_check, ' + 'holds every token issued before it, and restores',
    async () => {
      using prep = await prepare(600)
      const metricsPort = await freePort()
      const server = await serve(prep.db, ['--metrics-port', String(metricsPort)])
      const backupFile = join(prep.dir, 'backup.db')
      let before: string[] = []
      try {
        // Tokens issued (and answered) before the backup starts.
        before = (await pool(prep.codes.slice(0, 100), 8, (c) => redeem(server.url, prep.f.C1, c))).flatMap((o) =>
          o.kind === 'token' ? [o.token] : [],
        )
        expect(before.length).toBe(100)
        // Writes keep going while the backup runs.
        let writing = true
        const writer = pool(prep.codes.slice(100), 4, async (c) => (writing ? redeem(server.url, prep.f.C1, c) : null))
        await Bun.sleep(20)
        const result = await runBinary(['backup', '--db', prep.db, '--to', backupFile, '--json'])
        writing = false
        const during = (await writer).filter((o) => o?.kind === 'token').length
        expect(result.code).toBe(0)
        expect(result.json()).toMatchObject({ path: backupFile, integrity: 'ok' })
        expect(during).toBeGreaterThan(0)

        expect(integrityCheck(backupFile)).toBe('ok')
        const copy = new Database(backupFile, { readonly: true })
        const has = copy.query<{ n: number }, [string]>('select count(*) as n from access_tokens where token_hash = ?')
        const missing = before.filter((t) => has.get(storedTokenKey(t))!.n !== 1)
        copy.close()
        expect(missing).toEqual([])

        // A second backup to the same file is refused without --force.
        const again = await runBinary(['backup', '--db', prep.db, '--to', backupFile])
        expect(again.code).toBe(1)
        expect(again.stderr).toContain('already exists')

        // /metrics lives on its own port; the main port has none.
        expect((await fetch(`${server.url}/metrics`)).status).toBe(404)
        const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
        expect(scrape.status).toBe(200)
        expect(await scrape.text()).toContain('latchkey_tokens_issued_total{grant_type="authorization_code"}')
      } finally {
        server.proc.kill('SIGTERM')
        await server.exited
      }

      // Restore: the backup file becomes the database of a fresh server.
      const restored = join(prep.dir, 'restored.db')
      copyFileSync(backupFile, restored)
      const again = await serve(restored)
      try {
        expect(await (await fetch(`${again.url}/readyz`)).json()).toEqual({ status: 'ready' })
        expect(await inactive(again.url, prep.f.RS, before)).toEqual([])
      } finally {
        again.proc.kill('SIGTERM')
        await again.exited
      }
    },
  )

  test('refuses a missing source database and writes nothing', async () => {
    using prep = await prepare(0)
    const target = join(prep.dir, 'out.db')
    const result = await runBinary(['backup', '--db', join(prep.dir, 'absent.db'), '--to', target])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('no database at')
    expect(existsSync(target)).toBe(false)
    expect(existsSync(join(prep.dir, 'absent.db'))).toBe(false)
    writeFileSync(target, 'x')
    expect((await runBinary(['backup', '--db', prep.db, '--to', target, '--force'])).code).toBe(0)
    expect(integrityCheck(target)).toBe('ok')
  })
})
