/**
 * @module
 * Scopes are data: a name, a description shown on consent pages, the scopes it implies (Gitea
 * style: admin:org ⊃ write:org ⊃ read:org) and whether it is a default. Granting a scope grants
 * what it implies; a token never carries a scope outside its application's (expanded) allow list.
 * Functions with their dependencies named as parameters (like sessions/sessions.ts); the remembered
 * scope table is one of them (createScopeCache), made once and bound by createScopeService.
 */
import { z } from 'zod'
import type { Clock } from '../../clock.ts'
import { type Cache, createCache } from '../../store/cache.ts'
import type { Db } from '../../store/database.ts'
import * as repo from '../../store/repositories/scopes.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import { Conflict, Invalid, NotFound, parseOrInvalid } from '../shared/errors.ts'
import { joinList, splitList } from '../shared/lists.ts'
import { type PresetImport, type PresetName, PresetWouldWiden, planPreset } from './presets.ts'

export { type PresetImport, PresetWouldWiden, type ScopeWidening } from './presets.ts'

export interface Scope {
  name: string
  description: string
  implies: string[]
  isDefault: boolean
  /** Issue 18: a client registering itself without an initial access token (policy `open`) may ask for it. */
  selfRegistration: boolean
}

/** Scopes Latchkey itself relies on; they can be described differently but not deleted. */
export const BUILT_IN_SCOPES = [
  'openid',
  'profile',
  'email',
  'groups',
  'offline_access',
  'read_user',
  'api',
  'admin',
  'admin:read',
] as const

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ) */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/
const ScopeName = z.string().min(1).max(100).regex(SCOPE_TOKEN, 'must be printable ASCII without spaces, " or \\')

export const ScopeInput = z.object({
  name: ScopeName,
  description: z.string().trim().min(1).max(500),
  implies: z.array(ScopeName).max(50).default([]),
  isDefault: z.boolean().default(false),
  selfRegistration: z.boolean().default(false),
})
/** No defaults here: zod keeps them under .partial(), and a patch must leave unnamed fields alone. */
export const ScopePatch = z.object({
  description: z.string().trim().min(1).max(500).optional(),
  implies: z.array(ScopeName).max(50).optional(),
  isDefault: z.boolean().optional(),
  selfRegistration: z.boolean().optional(),
})

export type ScopeCheck = { ok: true; scopes: string[] } | { ok: false; reason: string }

/** The scope table, and the expansions computed from it (an application's allow list, per request). */
interface ScopeTable {
  scopes: Scope[]
  byName: Map<string, Scope>
  expanded: Map<string, readonly string[]>
}

/**
 * The remembered scope table: created once per services bag (services/index.ts) and passed to the
 * operations that read scopes. Seen at once on this instance and on SQLite; by other PostgreSQL
 * instances within 5 s (README).
 */
export type ScopeCache = Cache<'all', ScopeTable>
export function createScopeCache(db: Db, clock: Clock): ScopeCache {
  return createCache<'all', ScopeTable>(db, { tables: ['scopes'], postgresMaxAge: 5, now: () => clock.now() })
}

/** What reading scopes uses: the store and the remembered table. */
export type ScopeReadDeps = Pick<ServiceDeps, 'db'> & { scopeCache: ScopeCache }
/** What changing scopes uses: the store, the clock and the audit log (and the table for the checks). */
export type ScopeWriteDeps = Pick<ServiceDeps, 'db' | 'clock'> & { audit: Pick<AuditService, 'record'> }

async function loaded({ db, scopeCache }: ScopeReadDeps): Promise<ScopeTable> {
  return (await scopeCache.get('all', async () => {
    const rows = await repo.listScopes(db)
    const scopes = rows.map((r) => ({
      name: r.name,
      description: r.description,
      implies: splitList(r.implies),
      isDefault: r.is_default === 1,
      selfRegistration: r.self_registration === 1,
    }))
    return { scopes, byName: new Map(scopes.map((s) => [s.name, s])), expanded: new Map() }
  }))!
}

export async function allScopes(deps: ScopeReadDeps): Promise<Scope[]> {
  return (await loaded(deps)).scopes
}

/** The names plus everything they imply, transitively, in a stable order. */
export async function expandScopes(deps: ScopeReadDeps, names: readonly string[]): Promise<string[]> {
  return expandIn(await loaded(deps), names)
}

/** `expandScopes` within one loaded table, so a caller needing several answers checks the cache once. */
function expandIn({ byName, expanded }: ScopeTable, names: readonly string[]): string[] {
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

async function checkImplies(deps: ScopeReadDeps, name: string, implies: readonly string[]): Promise<void> {
  const known = new Set((await allScopes(deps)).map((s) => s.name))
  const missing = implies.filter((n) => !known.has(n))
  if (missing.length) throw new Invalid(`implies unknown scope(s): ${missing.join(', ')}`, 'implies')
  if ((await expandScopes(deps, implies)).includes(name)) throw new Invalid('implies would create a cycle', 'implies')
}

export async function findScope(deps: ScopeReadDeps, name: string): Promise<Scope | undefined> {
  return (await allScopes(deps)).find((s) => s.name === name)
}

export async function unknownScopeNames(deps: ScopeReadDeps, names: readonly string[]): Promise<string[]> {
  const known = new Set((await allScopes(deps)).map((s) => s.name))
  return names.filter((n) => !known.has(n))
}

/**
 * Resolves the `scope` parameter for an application (RFC 6749 §3.3). Omitted means the
 * application's default scopes when it has them (issue 16; an empty list refuses, as §3.3 also
 * allows), else the server's rule: its allowed scopes marked default, else all of them. The result
 * includes implied scopes and never exceeds the application's expanded allow list.
 */
export async function resolveScopes(
  deps: ScopeReadDeps,
  requested: string | undefined,
  allowed: readonly string[],
  defaultScopes: readonly string[] | null = null,
): Promise<ScopeCheck> {
  if (requested !== undefined && requested.length > 2000) return { ok: false, reason: 'scope is too long' }
  const names = requested === undefined ? [] : splitList(requested)
  if (names.some((n) => !SCOPE_TOKEN.test(n))) return { ok: false, reason: 'scope contains invalid characters' }
  const table = await loaded(deps)
  const ceiling = new Set(expandIn(table, allowed))
  if (names.length === 0 && defaultScopes !== null) {
    const chosen = expandIn(table, defaultScopes).filter((n) => ceiling.has(n))
    return chosen.length
      ? { ok: true, scopes: chosen }
      : { ok: false, reason: 'a scope is required: this application has no default scope' }
  }
  if (names.length === 0) {
    const defaults = table.scopes.filter((s) => s.isDefault && ceiling.has(s.name)).map((s) => s.name)
    const chosen = defaults.length ? defaults : [...allowed]
    return chosen.length
      ? { ok: true, scopes: expandIn(table, chosen) }
      : { ok: false, reason: 'no scope requested and the application has none' }
  }
  const outside = names.filter((n) => !ceiling.has(n))
  if (outside.length) return { ok: false, reason: `scope not allowed for this application: ${outside.join(' ')}` }
  return { ok: true, scopes: expandIn(table, names).filter((n) => ceiling.has(n)) }
}

/** The scopes by name for a consent page; a name no longer in the table describes itself. */
export async function describeScopes(deps: ScopeReadDeps, names: readonly string[]): Promise<Scope[]> {
  const byName = new Map((await allScopes(deps)).map((s) => [s.name, s]))
  return names.map(
    (n) => byName.get(n) ?? { name: n, description: n, implies: [], isDefault: false, selfRegistration: false },
  )
}

export async function createScope(
  deps: ScopeReadDeps & ScopeWriteDeps,
  input: z.input<typeof ScopeInput>,
  actorUserId: string | null = null,
): Promise<Scope> {
  const { db, clock, audit } = deps
  const s = parseOrInvalid(ScopeInput, input)
  if (await findScope(deps, s.name)) throw new Conflict(`scope ${s.name} already exists`, 'name')
  await checkImplies(deps, s.name, s.implies)
  await db.transaction().execute(async (trx) => {
    await repo.insertScope(trx, {
      name: s.name,
      description: s.description,
      implies: joinList(s.implies),
      is_default: s.isDefault ? 1 : 0,
      self_registration: s.selfRegistration ? 1 : 0,
      created_at: clock.now(),
    })
    await audit.record({ type: 'scope.created', actorUserId, detail: { name: s.name } }, trx)
  })
  return {
    name: s.name,
    description: s.description,
    implies: s.implies,
    isDefault: s.isDefault,
    selfRegistration: s.selfRegistration,
  }
}

export async function updateScope(
  deps: ScopeReadDeps & Omit<ScopeWriteDeps, 'clock'>,
  name: string,
  patch: z.input<typeof ScopePatch>,
  actorUserId: string | null = null,
): Promise<Scope> {
  const { db, audit } = deps
  const p = parseOrInvalid(ScopePatch, patch)
  const current = await findScope(deps, name)
  if (!current) throw new NotFound(`no scope named ${name}`, 'name')
  if (p.implies) await checkImplies(deps, name, p.implies)
  await db.transaction().execute(async (trx) => {
    await repo.updateScope(trx, name, {
      ...(p.description !== undefined ? { description: p.description } : {}),
      ...(p.implies !== undefined ? { implies: joinList(p.implies) } : {}),
      ...(p.isDefault !== undefined ? { is_default: p.isDefault ? 1 : 0 } : {}),
      ...(p.selfRegistration !== undefined ? { self_registration: p.selfRegistration ? 1 : 0 } : {}),
    })
    await audit.record({ type: 'scope.updated', actorUserId, detail: { name } }, trx)
  })
  return {
    ...current,
    ...p,
    implies: p.implies ?? current.implies,
    isDefault: p.isDefault ?? current.isDefault,
    selfRegistration: p.selfRegistration ?? current.selfRegistration,
    description: p.description ?? current.description,
  }
}

/**
 * Creates a forge's scope vocabulary in one transaction. Existing scopes keep their description;
 * one the preset gives more children (GitLab's built-in `api`, or an operator's own scope of the
 * same name) would widen every token, consent and application holding it, so that takes `force`:
 * without it nothing at all is written and PresetWouldWiden lists each change. Importing twice
 * is harmless: the second time creates and changes nothing.
 */
export async function importScopePreset(
  { db, clock, audit }: ScopeWriteDeps,
  preset: PresetName,
  { force = false, actorUserId = null }: { force?: boolean; actorUserId?: string | null } = {},
): Promise<PresetImport> {
  return db.transaction().execute(async (trx) => {
    const plan = planPreset(
      preset,
      (await repo.listScopes(trx)).map((r) => ({ name: r.name, implies: splitList(r.implies) })),
    )
    if (plan.widened.length && !force) throw new PresetWouldWiden(preset, plan.widened)
    for (const s of plan.create) {
      await repo.insertScope(trx, {
        name: s.name,
        description: s.description,
        implies: joinList(s.implies ?? []),
        is_default: 0,
        created_at: clock.now(),
      })
      await audit.record({ type: 'scope.created', actorUserId, detail: { name: s.name, preset } }, trx)
    }
    for (const w of plan.widened) {
      await repo.updateScope(trx, w.name, { implies: joinList(w.implies) })
      await audit.record({ type: 'scope.updated', actorUserId, detail: { name: w.name, preset, added: w.added } }, trx)
    }
    return { created: plan.create.map((s) => s.name), widened: plan.widened, skipped: plan.skipped }
  })
}

/** Refused for built-ins and for scopes still implied by another scope. */
export async function deleteScope(
  deps: ScopeReadDeps & Omit<ScopeWriteDeps, 'clock'>,
  name: string,
  actorUserId: string | null = null,
): Promise<void> {
  const { db, audit } = deps
  if ((BUILT_IN_SCOPES as readonly string[]).includes(name))
    throw new Invalid(`${name} is built in and cannot be deleted`, 'name')
  if (!(await findScope(deps, name))) throw new NotFound(`no scope named ${name}`, 'name')
  const parents = (await allScopes(deps)).filter((s) => s.implies.includes(name)).map((s) => s.name)
  if (parents.length) throw new Conflict(`scope ${name} is implied by ${parents.join(', ')}`, 'name')
  await db.transaction().execute(async (trx) => {
    await repo.deleteScope(trx, name)
    await audit.record({ type: 'scope.deleted', actorUserId, detail: { name } }, trx)
  })
}

/**
 * The scope operations bound to their dependencies (`services.scopes`, and the port applications and
 * tokens take). The one piece of state, the remembered table, is made here once and passed in.
 */
export function createScopeService(deps: ServiceDeps, audit: AuditService) {
  const bound = { ...deps, audit, scopeCache: createScopeCache(deps.db, deps.clock) }
  return {
    all: () => allScopes(bound),
    expand: (names: readonly string[]) => expandScopes(bound, names),
    find: (name: string) => findScope(bound, name),
    unknownNames: (names: readonly string[]) => unknownScopeNames(bound, names),
    resolve: (requested: string | undefined, allowed: readonly string[], defaults?: readonly string[] | null) =>
      resolveScopes(bound, requested, allowed, defaults),
    describe: (names: readonly string[]) => describeScopes(bound, names),
    create: (input: z.input<typeof ScopeInput>, actorUserId?: string | null) => createScope(bound, input, actorUserId),
    update: (name: string, patch: z.input<typeof ScopePatch>, actorUserId?: string | null) =>
      updateScope(bound, name, patch, actorUserId),
    importPreset: (preset: PresetName, options?: { force?: boolean; actorUserId?: string | null }) =>
      importScopePreset(bound, preset, options),
    delete: (name: string, actorUserId?: string | null) => deleteScope(bound, name, actorUserId),
  }
}
export type ScopeService = ReturnType<typeof createScopeService>
