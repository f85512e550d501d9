/**
 * @module
 * Scopes are data. A requested scope string is checked against the scopes that exist and the
 * application's allow list: a token never carries a scope its application may not have.
 */
import * as repo from '../store/repositories/scopes.ts'
import type { ServiceDeps } from './deps.ts'
import { splitList } from './lists.ts'

export interface Scope {
  name: string
  description: string
  implies: string[]
  isDefault: boolean
}

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

export type ScopeCheck = { ok: true; scopes: string[] } | { ok: false; reason: string }

export function createScopeService({ db }: ServiceDeps) {
  async function all(): Promise<Scope[]> {
    return (await repo.listScopes(db)).map((r) => ({ name: r.name, description: r.description, implies: splitList(r.implies), isDefault: r.is_default === 1 }))
  }

  return {
    all,

    async unknownNames(names: readonly string[]): Promise<string[]> {
      const known = new Set((await all()).map((s) => s.name))
      return names.filter((n) => !known.has(n))
    },

    /**
     * Resolves the `scope` parameter for an application (RFC 6749 §3.3). Omitted means the
     * application's default: its allowed scopes that are marked default, or all of them.
     */
    async resolve(requested: string | undefined, allowed: readonly string[]): Promise<ScopeCheck> {
      if (requested !== undefined && requested.length > 2000) return { ok: false, reason: 'scope is too long' }
      const names = requested === undefined ? undefined : splitList(requested)
      if (names?.some((n) => !SCOPE_TOKEN.test(n))) return { ok: false, reason: 'scope contains invalid characters' }
      if (names === undefined || names.length === 0) {
        const defaults = (await all()).filter((s) => s.isDefault && allowed.includes(s.name)).map((s) => s.name)
        const scopes = defaults.length ? defaults : [...allowed]
        return scopes.length ? { ok: true, scopes } : { ok: false, reason: 'no scope requested and the application has none' }
      }
      const notAllowed = names.filter((n) => !allowed.includes(n))
      if (notAllowed.length) return { ok: false, reason: `scope not allowed for this application: ${notAllowed.join(' ')}` }
      return { ok: true, scopes: [...new Set(names)] }
    },

    async describe(names: readonly string[]): Promise<Scope[]> {
      const byName = new Map((await all()).map((s) => [s.name, s]))
      return names.map((n) => byName.get(n) ?? { name: n, description: n, implies: [], isDefault: false })
    },
  }
}
export type ScopeService = ReturnType<typeof createScopeService>
