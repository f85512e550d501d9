import { expect, test } from 'bun:test'
import { resolve } from 'node:path'

test('issue 8: latchkey backup refuses a PostgreSQL store instead of copying the SQLite --db path', () => {
  const main = resolve(import.meta.dir, '../../src/main.ts')
  const r = Bun.spawnSync(
    [process.execPath, main, 'backup', '--to', '/tmp/never-written.db', '--database-url', 'postgres://u@127.0.0.1:1/x'],
    { env: { PATH: process.env.PATH ?? '' } },
  )
  expect(r.exitCode).toBe(1)
  expect(r.stderr.toString()).toContain('pg_dump')
  expect(Bun.file('/tmp/never-written.db').size).toBe(0)
})
