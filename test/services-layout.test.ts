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
  applications: ['scopes', 'groups', 'shared'],
  tokens: ['applications', 'grants', 'scopes', 'shared'],
  /** Issue 18: clients that register themselves (RFC 7591/7592) become applications. */
  registration: ['applications', 'scopes', 'shared'],
  admin: ['applications', 'tokens', 'users', 'scopes', 'grants', 'keys', 'registration', 'shared'],
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

/**
 * Issue 15 §3: aggregates written as functions whose dependencies are their first parameter. In every
 * file that exports a `create…Service`, it only binds: what an operation remembers (a cache) is made by
 * a named `create…Cache` and passed in the deps, and nothing mutable lives at the top of the module.
 * admin/index.ts composes the admin services and is held to the layering rules above instead.
 */
const AS_FUNCTIONS = [...new Glob('*/*.ts').scanSync(SERVICES)]
  .filter((file) => file !== 'admin/index.ts')
  .filter((file) => /^export function create\w*Service\(/m.test(readFileSync(join(SERVICES, file), 'utf8')))
  .sort()

/** The body of each exported `create…Service` function, up to its closing brace at the start of a line. */
function binderBodies(text: string): string[] {
  return [...text.matchAll(/^export function create\w*Service\([\s\S]*?\n\}\n/gm)].map((m) => m[0])
}

/** What makes a binder more than a binder, or a module hold state: each finding names the construct. */
export function statefulness(text: string): string[] {
  const found: string[] = []
  for (const body of binderBodies(text)) {
    const inner = body.slice(body.indexOf('{', body.indexOf(')')) + 1)
    if (/\bfunction\b/.test(inner)) found.push('a function declared inside a binder')
    if (/\bthis\./.test(inner)) found.push('this inside a binder')
    if (/\blet\b|\bnew (?:Map|Set|WeakMap)\b|\bcreateCache\(/.test(inner)) found.push('state made inside a binder')
    if (/\basync\b|\bawait\b/.test(inner)) found.push('logic inside a binder')
    if (/^\s+\w+\([^\n]*\)[^\n]*\{$/m.test(inner)) found.push('a method with a body inside a binder')
  }
  if (/^(?:export )?let\b/m.test(text)) found.push('a module-level let')
  if (/^(?:export )?const \w+\s*(?::[^=]+)?=\s*(?:new (?:Map|Set|WeakMap)\b|createCache\()/m.test(text))
    found.push('a module-level cache')
  return found
}

describe('issue 15 §3: converted aggregates are functions, bound by thin create…Service binders', () => {
  test('every aggregate is checked: at least the 20 services of issue 15 §3', () => {
    expect(AS_FUNCTIONS.length).toBeGreaterThanOrEqual(20)
  })

  test.each(AS_FUNCTIONS)('%s: its binder only binds, and the module holds no state', (file) => {
    const text = readFileSync(join(SERVICES, file), 'utf8')
    expect(binderBodies(text)).toHaveLength(1)
    expect(statefulness(text)).toEqual([])
  })

  test('the check finds a closure factory, a module-level cache and this', () => {
    const factory = [
      'export function createXService(deps: D) {',
      '  const cache = createCache(deps.db, o)',
      '  async function foo() {}',
      '  return { foo }',
      '}',
      '',
    ].join('\n')
    expect(statefulness(factory)).toEqual([
      'a function declared inside a binder',
      'state made inside a binder',
      'logic inside a binder',
    ])
    expect(statefulness(`const seen = new Map<string, number>()\n`)).toEqual(['a module-level cache'])
    const method = ['export function createXService(deps: D) {', '  return {', '    foo(a: string): number {']
    expect(statefulness([...method, '      return 1', '    },', '  }', '}', ''].join('\n'))).toEqual([
      'a method with a body inside a binder',
    ])
    expect(statefulness(`export function createXService() {\n  return { a() { return this.b() } }\n}\n`)).toEqual([
      'this inside a binder',
    ])
    const binder = [
      'export function createXService(deps: D) {',
      '  const bound = { ...deps, c: createXCache(deps.db) }',
      '  return { foo: (a: string) => foo(bound, a) }',
      '}',
      '',
    ].join('\n')
    expect(statefulness(binder)).toEqual([])
  })
})
