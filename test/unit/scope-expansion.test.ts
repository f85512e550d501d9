/**
 * Scope expansion and resolution (src/services/scopes/scopes.ts), through the service alone: no HTTP.
 * RFC 6749 §3.3 (scope syntax, the server may narrow or default the requested scope) and the
 * Gitea-style hierarchy where a scope grants what it implies.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startServer, type TestServer } from '../helpers/server.ts'

let server: TestServer
const scopes = () => server.provider.services.scopes

beforeAll(async () => {
  server = await startServer()
  await scopes().create({ name: 'read:org', description: 'Read organisations' })
  await scopes().create({ name: 'write:org', description: 'Write organisations', implies: ['read:org'] })
  await scopes().create({ name: 'admin:org', description: 'Administer organisations', implies: ['write:org'] })
  await scopes().create({ name: 'read:repo', description: 'Read repositories', isDefault: true })
  await scopes().create({ name: 'bundle', description: 'Both reads', implies: ['read:org', 'read:repo'] })
})
afterAll(async () => {
  await server[Symbol.asyncDispose]()
})

describe('implied scopes: granting a scope grants everything it implies, transitively', () => {
  test('a chain admin:org ⊃ write:org ⊃ read:org expands fully, parent first', async () => {
    expect(await scopes().expand(['admin:org'])).toEqual(['admin:org', 'write:org', 'read:org'])
  })

  test('a scope implying two others expands to both; shared children appear once', async () => {
    expect(await scopes().expand(['bundle', 'write:org'])).toEqual(['bundle', 'read:org', 'read:repo', 'write:org'])
  })

  test('unknown names pass through unexpanded (resolve() decides whether they are allowed)', async () => {
    expect(await scopes().expand(['nope'])).toEqual(['nope'])
  })

  test('expanding does not hand out a shared cached array', async () => {
    const first = await scopes().expand(['admin:org'])
    first.push('tampered')
    expect(await scopes().expand(['admin:org'])).toEqual(['admin:org', 'write:org', 'read:org'])
  })

  test('a cycle is refused when written, so expansion always terminates', async () => {
    await expect(scopes().update('read:org', { implies: ['admin:org'] })).rejects.toThrow('cycle')
    await expect(scopes().update('read:org', { implies: ['read:org'] })).rejects.toThrow('cycle')
  })
})

describe('RFC 6749 §3.3: the requested scope against the application allow list', () => {
  test('a requested scope includes what it implies', async () => {
    expect(await scopes().resolve('write:org', ['admin:org'])).toEqual({ ok: true, scopes: ['write:org', 'read:org'] })
  })

  test('the allow list is expanded: allowing admin:org allows read:org', async () => {
    expect(await scopes().resolve('read:org', ['admin:org'])).toEqual({ ok: true, scopes: ['read:org'] })
  })

  test('allowing a scope does not allow the scopes that imply it', async () => {
    expect(await scopes().resolve('admin:org', ['write:org'])).toEqual({
      ok: false,
      reason: 'scope not allowed for this application: admin:org',
    })
  })

  test('a scope outside the allow list is refused and named', async () => {
    const result = await scopes().resolve('read:org read:repo', ['read:org'])
    expect(result).toEqual({ ok: false, reason: 'scope not allowed for this application: read:repo' })
  })

  test('omitted scope: the allowed scopes marked default, expanded', async () => {
    expect(await scopes().resolve(undefined, ['read:repo', 'write:org'])).toEqual({ ok: true, scopes: ['read:repo'] })
  })

  test('omitted scope and no default among the allowed: all allowed scopes, expanded', async () => {
    expect(await scopes().resolve(undefined, ['write:org'])).toEqual({ ok: true, scopes: ['write:org', 'read:org'] })
  })

  test('omitted scope and an empty allow list: refused', async () => {
    expect(await scopes().resolve(undefined, [])).toMatchObject({ ok: false })
  })

  test.each([
    ['a double quote', 'read:org "x"'],
    ['a backslash', 'read:org a\\b'],
    ['a non-ASCII character', 'read:orgé'],
  ])('§3.3 scope-token syntax: %s is refused', async (_name, requested) => {
    expect(await scopes().resolve(requested, ['read:org'])).toEqual({
      ok: false,
      reason: 'scope contains invalid characters',
    })
  })

  test('an over-long scope parameter is refused before any lookup', async () => {
    expect(await scopes().resolve('a '.repeat(1001), ['read:org'])).toEqual({ ok: false, reason: 'scope is too long' })
  })
})
