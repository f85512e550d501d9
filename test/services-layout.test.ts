/**
 * Issue 15 §3: inside src/services/, one folder per aggregate, imported downward only. admin/ sits on
 * top of the aggregates it delegates to; shared/ imports none of them; index.ts (the composition root)
 * is the only file at the top. test/architecture.test.ts holds services/ as one unit against the rest.
 */
import { describe, expect, test } from 'bun:test'
import { Glob } from 'bun'
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const SERVICES = resolve(import.meta.dir, '../src/services')

/** What each folder of src/services may import from its siblings. */
const ALLOWED: Record<string, readonly string[]> = {
  shared: [],
  users: ['shared'],
  scopes: ['shared'],
  grants: ['shared'],
  keys: ['shared'],
  operations: ['shared'],
  sessions: ['users', 'shared'],
  groups: ['users', 'shared'],
  applications: ['scopes', 'shared'],
  tokens: ['applications', 'grants', 'scopes', 'shared'],
  admin: ['applications', 'tokens', 'users', 'scopes', 'grants', 'keys', 'shared'],
}

/** Relative specifiers of every import form: static, type-only, side-effect, export … from, import(). */
function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.[^'"]*)\1/g)].map((m) => m[2]!)
}

/** Imports of one file that its folder's row does not allow; `file` is relative to src/services. */
export function violations(file: string, text: string): string[] {
  const folder = file.includes('/') ? file.split('/')[0]! : '.'
  return specifiers(text).flatMap((spec) => {
    const target = relative(SERVICES, resolve(SERVICES, dirname(file), spec))
    if (target.startsWith('..')) return [] // outside services/: test/architecture.test.ts judges it
    const to = target.includes('/') ? target.split('/')[0]! : '.'
    if (folder === '.' || to === folder || ALLOWED[folder]?.includes(to)) return []
    return [`${file} → ${target}`]
  })
}

describe('issue 15 §3: services grouped by aggregate, imported downward', () => {
  const files = [...new Glob('**/*.ts').scanSync(SERVICES)].sort()

  test('every file sits in an aggregate folder with a row, except the composition root', () => {
    expect(files.filter((f) => !f.includes('/'))).toEqual(['index.ts'])
    expect(
      [...new Set(files.filter((f) => f.includes('/')).map((f) => f.split('/')[0]!))].filter((d) => !(d in ALLOWED)),
    ).toEqual([])
  })

  test('each folder imports only the folders below it', () => {
    expect(files.flatMap((f) => violations(f, readFileSync(join(SERVICES, f), 'utf8')))).toEqual([])
  })

  test('the check fails on an upward import, in each form', () => {
    expect(violations('tokens/x.ts', `import { y } from '../admin/tokens.ts'`)).toHaveLength(1)
    expect(violations('shared/x.ts', `import type { User } from '../users/users.ts'`)).toHaveLength(1)
    expect(violations('users/x.ts', `export { y } from '../sessions/sessions.ts'`)).toHaveLength(1)
    expect(violations('scopes/x.ts', `const m = await import('../applications/applications.ts')`)).toHaveLength(1)
    expect(violations('keys/x.ts', `import '../admin/keys.ts'`)).toHaveLength(1)
    expect(violations('admin/x.ts', `import { y } from '../tokens/tokens.ts'`)).toEqual([])
    expect(violations('admin/x.ts', `import { y } from '../../store/database.ts'`)).toEqual([])
  })
})
