/**
 * @module
 * Scope vocabularies of the forges Latchkey fronts. Gitea changed its vocabulary in 1.20: `gitea`
 * (and its twin `forgejo`) is today's `read:`/`write:` × category grid, where write implies read;
 * `gitea-legacy` is the older hierarchy the seeds list (seed 004, "Gitea supports the following
 * scopes"), kept for instances that still speak it. `gitlab` is GitLab's (seed 002 and GitLab's
 * provider documentation). `implies` lists direct children; the hierarchy is expanded at issuance.
 * Below the vocabularies: what importing one over the existing scopes would do (planPreset), which
 * scopes.ts's importScopePreset writes in one transaction.
 */
import { Conflict, Invalid } from '../shared/errors.ts'

export interface PresetScope {
  name: string
  description: string
  implies?: string[]
}

/** Gitea 1.20 and later, and Forgejo: every category has a read and a write scope. */
const GITEA_CATEGORIES: [category: string, what: string][] = [
  ['activitypub', 'ActivityPub federation'],
  ['admin', 'site administration'],
  ['issue', 'issues and pull requests'],
  ['misc', 'miscellaneous endpoints'],
  ['notification', 'notifications'],
  ['organization', 'organizations and teams'],
  ['package', 'packages'],
  ['repository', 'repositories'],
  ['user', 'the user profile and settings'],
]
const GITEA: PresetScope[] = GITEA_CATEGORIES.flatMap(([category, what]) => [
  { name: `read:${category}`, description: `Read access to ${what}` },
  { name: `write:${category}`, description: `Read and write access to ${what}`, implies: [`read:${category}`] },
])

export const PRESET_NAMES = ['gitea', 'forgejo', 'gitea-legacy', 'gitlab'] as const
export type PresetName = (typeof PRESET_NAMES)[number]

/** One line per preset for `scope --help`: which forge, and which version of it, speaks which vocabulary. */
export const PRESET_SUMMARY: Record<PresetName, string> = {
  gitea: 'Gitea 1.20 and later: write:X ⊃ read:X for repository, issue, user, organization, package, …',
  forgejo: 'Forgejo: the same scopes as gitea',
  'gitea-legacy': 'Gitea before 1.20: repo, admin:org ⊃ write:org ⊃ read:org, package, user, …',
  gitlab: 'GitLab: read_api, read_repository, write_repository, …; widens api (needs --force)',
}

export const PRESETS: Record<PresetName, PresetScope[]> = {
  gitea: GITEA,
  forgejo: GITEA,
  'gitea-legacy': [
    {
      name: 'repo',
      description: 'Full control over all repositories',
      implies: ['repo:status', 'public_repo', 'admin:repo_hook'],
    },
    { name: 'repo:status', description: 'Read/write access to commit status in all repositories' },
    { name: 'public_repo', description: 'Read/write access to public repositories only' },
    {
      name: 'admin:repo_hook',
      description: 'Access to repository hooks of all repositories',
      implies: ['write:repo_hook'],
    },
    { name: 'write:repo_hook', description: 'Read/write access to repository hooks', implies: ['read:repo_hook'] },
    { name: 'read:repo_hook', description: 'Read-only access to repository hooks' },
    { name: 'admin:org', description: 'Full access to organization settings', implies: ['write:org'] },
    { name: 'write:org', description: 'Read/write access to organization settings', implies: ['read:org'] },
    { name: 'read:org', description: 'Read-only access to organization settings' },
    { name: 'admin:public_key', description: 'Full access for managing public keys', implies: ['write:public_key'] },
    { name: 'write:public_key', description: 'Read/write access to public keys', implies: ['read:public_key'] },
    { name: 'read:public_key', description: 'Read-only access to public keys' },
    { name: 'admin:org_hook', description: 'Full access to organization-level hooks' },
    { name: 'admin:user_hook', description: 'Full access to user-level hooks' },
    { name: 'notification', description: 'Full access to notifications' },
    {
      name: 'user',
      description: 'Full access to user profile info',
      implies: ['read:user', 'user:email', 'user:follow'],
    },
    { name: 'read:user', description: "Read access to the user's profile" },
    { name: 'user:email', description: "Read access to the user's email addresses" },
    { name: 'user:follow', description: 'Follow and unfollow users' },
    { name: 'delete_repo', description: 'Delete repositories as an admin' },
    { name: 'package', description: 'Full access to hosted packages', implies: ['write:package', 'delete:package'] },
    { name: 'write:package', description: 'Read/write access to packages', implies: ['read:package'] },
    { name: 'read:package', description: 'Read access to packages' },
    { name: 'delete:package', description: 'Delete access to packages' },
    { name: 'admin:gpg_key', description: 'Full access for managing GPG keys', implies: ['write:gpg_key'] },
    { name: 'write:gpg_key', description: 'Read/write access to GPG keys', implies: ['read:gpg_key'] },
    { name: 'read:gpg_key', description: 'Read-only access to GPG keys' },
    { name: 'admin:application', description: 'Full access to manage applications', implies: ['write:application'] },
    {
      name: 'write:application',
      description: 'Read/write access for managing applications',
      implies: ['read:application'],
    },
    { name: 'read:application', description: 'Read access for managing applications' },
    { name: 'sudo', description: 'Perform actions as the site admin' },
  ],
  gitlab: [
    {
      name: 'read_api',
      description: 'Read access to the API, including all groups and projects',
      implies: ['read_user', 'read_repository', 'read_registry'],
    },
    { name: 'read_repository', description: 'Pull from repositories over Git-over-HTTPS' },
    {
      name: 'write_repository',
      description: 'Pull from and push to repositories over Git-over-HTTPS',
      implies: ['read_repository'],
    },
    { name: 'read_registry', description: 'Pull container registry images' },
    { name: 'write_registry', description: 'Push container registry images', implies: ['read_registry'] },
    { name: 'sudo', description: 'Perform API actions as any user (admins only)' },
    { name: 'admin_mode', description: 'Perform API actions as an administrator when Admin Mode is on' },
    { name: 'create_runner', description: 'Create runners' },
    { name: 'manage_runner', description: 'Manage runners' },
    { name: 'ai_features', description: 'Access to AI features' },
    { name: 'k8s_proxy', description: 'Kubernetes API calls through the agent for Kubernetes' },
    // Built in, so always present: importing widens it, which takes `force` (see scopes.importPreset).
    {
      name: 'api',
      description: 'Complete read and write access to the API',
      implies: ['read_api', 'write_repository', 'write_registry'],
    },
  ],
}

/** An existing scope a preset gives more children: `added` is what it would newly imply. */
export interface ScopeWidening {
  name: string
  implies: string[]
  added: string[]
}
export interface PresetImport {
  created: string[]
  widened: ScopeWidening[]
  /** Already present with every child the preset gives them (their descriptions are kept). */
  skipped: string[]
}

/** Refused without `force`: the message says exactly which existing scopes would gain what. */
export class PresetWouldWiden extends Conflict {
  constructor(
    readonly preset: PresetName,
    readonly widened: ScopeWidening[],
  ) {
    super(
      `importing preset ${preset} would widen existing scopes, ` +
        'and every token, consent and application holding them: ' +
        widened.map((w) => `${w.name} would also imply ${w.added.join(' ')}`).join('; ') +
        '. Nothing was imported; import again with force to accept this.',
      'force',
    )
  }
}

/** What importing `preset` over `existing` would create and widen; refuses a result with a cycle. */
export function planPreset(
  preset: PresetName,
  existing: { name: string; implies: string[] }[],
): { create: PresetScope[]; widened: ScopeWidening[]; skipped: string[] } {
  const byName = new Map(existing.map((s) => [s.name, s]))
  const create: PresetScope[] = []
  const widened: ScopeWidening[] = []
  const skipped: string[] = []
  for (const p of PRESETS[preset]) {
    const current = byName.get(p.name)
    const added = (p.implies ?? []).filter((c) => !current?.implies.includes(c))
    if (!current) create.push(p)
    else if (added.length) widened.push({ name: p.name, implies: [...current.implies, ...added], added })
    else skipped.push(p.name)
  }
  const graph = new Map(existing.map((s) => [s.name, s.implies]))
  for (const s of create) graph.set(s.name, s.implies ?? [])
  for (const w of widened) graph.set(w.name, w.implies)
  for (const name of [...create.map((s) => s.name), ...widened.map((w) => w.name)]) {
    const unknown = graph.get(name)!.filter((c) => !graph.has(c))
    if (unknown.length)
      throw new Invalid(`preset ${preset}: ${name} implies unknown scope(s) ${unknown.join(', ')}`, 'preset')
    const seen = new Set<string>()
    const reaches = (from: string): boolean =>
      (graph.get(from) ?? []).some((c) => {
        if (c === name) return true
        if (seen.has(c)) return false
        seen.add(c)
        return reaches(c)
      })
    if (reaches(name)) throw new Invalid(`importing preset ${preset} would make scope ${name} imply itself`, 'preset')
  }
  return { create, widened, skipped }
}
