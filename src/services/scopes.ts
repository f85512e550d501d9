/**
 * @module
 * Scopes are data: a name, a description shown on consent pages, the scopes it implies (Gitea
 * style: admin:org ⊃ write:org ⊃ read:org) and whether it is a default. Granting a scope grants
 * what it implies; a token never carries a scope outside its application's (expanded) allow list.
 */
import { z } from 'zod'
import * as repo from '../store/repositories/scopes.ts'
import type { AuditService } from './audit.ts'
import type { ServiceDeps } from './deps.ts'
import { Conflict, Invalid, NotFound } from './errors.ts'
import { joinList, splitList } from './lists.ts'
import { PRESETS, type PresetName } from './scope-presets.ts'
import { parseOrInvalid } from './users.ts'

export interface Scope {
  name: string
  description: string
  implies: string[]
  isDefault: boolean
}

/** Scopes Latchkey itself relies on; they can be described differently but not deleted. */
export const BUILT_IN_SCOPES = ['openid', 'profile', 'email', 'offline_access', 'read_user', 'api', 'admin', 'admin:read'] as const

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/
const ScopeName = z.string().min(1).max(100).regex(SCOPE_TOKEN, 'must be printable ASCII without spaces, " or \\')

export const ScopeInput = z.object({
  name: ScopeName,
  description: z.string().trim().min(1).max(500),
  implies: z.array(ScopeName).max(50).default([]),
  isDefault: z.boolean().default(false),
})
/** No defaults here: zod keeps them under .partial(), and a patch must leave unnamed fields alone. */
export const ScopePatch = z.object({
  description: z.string().trim().min(1).max(500).optional(),
  implies: z.array(ScopeName).max(50).optional(),
  isDefault: z.boolean().optional(),
})

export type ScopeCheck = { ok: true; scopes: string[] } | { ok: false; reason: string }

/** Written scopes are seen at once here, and by other instances within this many seconds. */
const CACHE_SECONDS = 5

export function createScopeService({ db, clock }: ServiceDeps, audit: AuditService) {
  /** The scope table, and the expansions computed from it (an application's allow list, per request). */
  let cache: { at: number; scopes: Scope[]; byName: Map<string, Scope>; expanded: Map<string, readonly string[]> } | undefined

  async function loaded() {
    const now = clock.now()
    if (!cache || now - cache.at >= CACHE_SECONDS) {
      const rows = await repo.listScopes(db)
      const scopes = rows.map((r) => ({ name: r.name, description: r.description, implies: splitList(r.implies), isDefault: r.is_default === 1 }))
      cache = { at: now, scopes, byName: new Map(scopes.map((s) => [s.name, s])), expanded: new Map() }
    }
    return cache
  }

  async function all(): Promise<Scope[]> {
    return (await loaded()).scopes
  }

  /** The names plus everything they imply, transitively, in a stable order. */
  async function expand(names: readonly string[]): Promise<string[]> {
    const { byName, expanded } = await loaded()
    const key = names.join('\0')
    let result = expanded.get(key)
    if (!result) {
      const out = new Set<string>()
      const visit = (n: string) => {
        if (out.has(n)) return
        out.add(n)
        for (const child of byName.get(n)?.implies ?? []) visit(child)
      }
      names.forEach(visit)
      result = [...out]
      // Bounded: keys are allow lists of applications, but requested scopes pass through here too.
      if (expanded.size >= 1000) expanded.clear()
      expanded.set(key, result)
    }
    return [...result]
  }

  async function checkImplies(name: string, implies: readonly string[]): Promise<void> {
    const known = new Set((await all()).map((s) => s.name))
    const missing = implies.filter((n) => !known.has(n))
    if (missing.length) throw new Invalid(`implies unknown scope(s): ${missing.join(', ')}`, 'implies')
    if ((await expand(implies)).includes(name)) throw new Invalid('implies would create a cycle', 'implies')
  }

  return {
    all,
    expand,

    async find(name: string): Promise<Scope | undefined> {
      return (await all()).find((s) => s.name === name)
    },

    async unknownNames(names: readonly string[]): Promise<string[]> {
      const known = new Set((await all()).map((s) => s.name))
      return names.filter((n) => !known.has(n))
    },

    /**
     * Resolves the `scope` parameter for an application (RFC 6749 §3.3). Omitted means the
     * application's defaults (its allowed scopes marked default, else all of them). The result
     * includes implied scopes and never exceeds the application's expanded allow list.
     */
    async resolve(requested: string | undefined, allowed: readonly string[]): Promise<ScopeCheck> {
      if (requested !== undefined && requested.length > 2000) return { ok: false, reason: 'scope is too long' }
      const names = requested === undefined ? [] : splitList(requested)
      if (names.some((n) => !SCOPE_TOKEN.test(n))) return { ok: false, reason: 'scope contains invalid characters' }
      const ceiling = new Set(await expand(allowed))
      if (names.length === 0) {
        const defaults = (await all()).filter((s) => s.isDefault && ceiling.has(s.name)).map((s) => s.name)
        const chosen = defaults.length ? defaults : [...allowed]
        return chosen.length ? { ok: true, scopes: await expand(chosen) } : { ok: false, reason: 'no scope requested and the application has none' }
      }
      const outside = names.filter((n) => !ceiling.has(n))
      if (outside.length) return { ok: false, reason: `scope not allowed for this application: ${outside.join(' ')}` }
      return { ok: true, scopes: (await expand(names)).filter((n) => ceiling.has(n)) }
    },

    async describe(names: readonly string[]): Promise<Scope[]> {
      const byName = new Map((await all()).map((s) => [s.name, s]))
      return names.map((n) => byName.get(n) ?? { name: n, description: n, implies: [], isDefault: false })
    },

    async create(input: z.input<typeof ScopeInput>, actorUserId: string | null = null): Promise<Scope> {
      const s = parseOrInvalid(ScopeInput, input)
      if (await this.find(s.name)) throw new Conflict(`scope ${s.name} already exists`, 'name')
      await checkImplies(s.name, s.implies)
      await db.transaction().execute(async (trx) => {
        await repo.insertScope(trx, { name: s.name, description: s.description, implies: joinList(s.implies), is_default: s.isDefault ? 1 : 0, created_at: clock.now() })
        await audit.record({ type: 'scope.created', actorUserId, detail: { name: s.name } }, trx)
      })
      cache = undefined
      return { name: s.name, description: s.description, implies: s.implies, isDefault: s.isDefault }
    },

    async update(name: string, patch: z.input<typeof ScopePatch>, actorUserId: string | null = null): Promise<Scope> {
      const p = parseOrInvalid(ScopePatch, patch)
      const current = await this.find(name)
      if (!current) throw new NotFound(`no scope named ${name}`, 'name')
      if (p.implies) await checkImplies(name, p.implies)
      await db.transaction().execute(async (trx) => {
        await repo.updateScope(trx, name, {
          ...(p.description !== undefined ? { description: p.description } : {}),
          ...(p.implies !== undefined ? { implies: joinList(p.implies) } : {}),
          ...(p.isDefault !== undefined ? { is_default: p.isDefault ? 1 : 0 } : {}),
        })
        await audit.record({ type: 'scope.updated', actorUserId, detail: { name } }, trx)
      })
      cache = undefined
      return { ...current, ...p, implies: p.implies ?? current.implies, isDefault: p.isDefault ?? current.isDefault, description: p.description ?? current.description }
    },

    /**
     * Creates a forge's scope vocabulary; existing scopes are left as they are, so importing twice
     * is harmless. Children are created before the parents that imply them. GitLab's `api` is
     * built in; the preset widens what it implies to `read_api`.
     */
    async importPreset(preset: PresetName, actorUserId: string | null = null): Promise<{ created: string[]; skipped: string[] }> {
      const scopes = PRESETS[preset]
      const created: string[] = []
      const skipped: string[] = []
      const pending = [...scopes]
      while (pending.length) {
        const ready = pending.findIndex((p) => (p.implies ?? []).every((c) => !pending.some((q) => q.name === c)))
        const [next] = pending.splice(ready < 0 ? 0 : ready, 1)
        if (await this.find(next!.name)) skipped.push(next!.name)
        else created.push((await this.create({ name: next!.name, description: next!.description, implies: next!.implies ?? [] }, actorUserId)).name)
      }
      if (preset === 'gitlab') {
        const api = await this.find('api')
        if (api && !api.implies.includes('read_api')) await this.update('api', { implies: [...api.implies, 'read_api', 'write_repository', 'write_registry'] }, actorUserId)
      }
      return { created, skipped }
    },

    /** Refused for built-ins and for scopes still implied by another scope. */
    async delete(name: string, actorUserId: string | null = null): Promise<void> {
      if ((BUILT_IN_SCOPES as readonly string[]).includes(name)) throw new Invalid(`${name} is built in and cannot be deleted`, 'name')
      if (!(await this.find(name))) throw new NotFound(`no scope named ${name}`, 'name')
      const parents = (await all()).filter((s) => s.implies.includes(name)).map((s) => s.name)
      if (parents.length) throw new Conflict(`scope ${name} is implied by ${parents.join(', ')}`, 'name')
      await db.transaction().execute(async (trx) => {
        await repo.deleteScope(trx, name)
        await audit.record({ type: 'scope.deleted', actorUserId, detail: { name } }, trx)
      })
      cache = undefined
    },
  }
}
export type ScopeService = ReturnType<typeof createScopeService>
