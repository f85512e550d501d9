/**
 * @module
 * Applications registered by name rather than by hand (issue 16). `git-helpers`: the public clients
 * that git credential helpers ship with, under the client ids they already send to Gitea and Forgejo
 * (Gitea's "Pre-configured Applications"), so `git push` to a forge fronted by Latchkey needs no
 * per-user registration:
 * - git-credential-oauth: `a4792ccc-144e-407e-86c9-5e7d8d9c3269`. It listens on a loopback port of
 *   its own and sends `redirect_uri=http://127.0.0.1:PORT` (no path); no scope.
 * - Git Credential Manager: `e90ee53c-94e2-48ac-9358-a874fb9e0662`, GCM's built-in id for Gitea hosts
 *   (GenericOAuthConfig.WellKnown.GiteaClientId), also usable with its generic provider. It sends
 *   `redirect_uri=http://127.0.0.1:PORT/`; no scope unless credential.oauthScopes says so.
 * Both are public clients (RFC 6749 §2.1) on loopback redirects, which match on any port (RFC 8252
 * §7.3, redirect-uris.ts), with the authorization code, refresh and device grants. Their allowed
 * scopes are the repository scopes of the installed forge vocabulary, and what a request without
 * `scope` gets (RFC 6749 §3.3) is the write one, which implies read: enough for fetch and push, never
 * admin, api or profile. Their refresh grace period is GIT_HELPER_GRACE_PERIOD. Importing is idempotent;
 * an application changed since is kept unless `force`.
 */
import type { z } from 'zod'
import type { Db } from '../../store/database.ts'
import * as repo from '../../store/repositories/applications.ts'
import { Conflict, Invalid } from '../shared/errors.ts'
import {
  type Application,
  type ApplicationScopeDeps,
  applicationRowPatch,
  applicationRowToApplication,
  insertNewApplication,
  newApplicationRow,
} from './applications.ts'
import { ApplicationPatch, DEVICE_CODE_GRANT, NewApplicationInput } from './inputs.ts'
import { parseOrInvalid } from '../shared/errors.ts'

export const APP_PRESET_NAMES = ['git-helpers'] as const
export type AppPresetName = (typeof APP_PRESET_NAMES)[number]

/** One line per preset for `app import --help`. */
export const APP_PRESET_SUMMARY: Record<AppPresetName, string> = {
  'git-helpers':
    'git-credential-oauth and Git Credential Manager: public, loopback, device grant, repository scopes, 10 s grace',
}

/** RFC 8252 §7.3: both shapes the helpers send (with and without the path's slash), IPv4 and IPv6. */
export const LOOPBACK_REDIRECTS = ['http://127.0.0.1', 'http://127.0.0.1/', 'http://[::1]', 'http://[::1]/']

/** Each forge vocabulary's repository scopes (scopes/presets.ts), the write one implying the read one. */
const REPOSITORY_SCOPES = [
  { read: 'read_repository', write: 'write_repository' }, // GitLab's (seed 002), what forward-auth rules name
  { read: 'read:repository', write: 'write:repository' }, // Gitea 1.20+ and Forgejo
]

/**
 * Seconds a rotated refresh token may be presented again by the same helper (issue 16). GCM refreshes
 * on every git command and runs several at once, so the same token arrives twice within milliseconds;
 * ten seconds also covers a retried request whose answer was lost on a slow link, while keeping the
 * time a stolen, already rotated token still works (instead of revoking its family, RFC 9700 §4.14.2)
 * far below the 300 s the setting allows.
 */
export const GIT_HELPER_GRACE_PERIOD = 10

const GIT_HELPERS = [
  { clientId: 'a4792ccc-144e-407e-86c9-5e7d8d9c3269', name: 'git-credential-oauth' },
  { clientId: 'e90ee53c-94e2-48ac-9358-a874fb9e0662', name: 'Git Credential Manager' },
]

export interface AppPresetImport {
  created: Application[]
  /** Changed since, and set back to the preset (`force`). */
  reset: Application[]
  /** Already as the preset makes them. */
  unchanged: Application[]
  /** Changed since and left as they are (no `force`): what differs from the preset. */
  kept: { application: Application; differences: string[] }[]
}

type Wanted = z.output<typeof NewApplicationInput> & { clientId: string }

/** The applications `preset` registers, with the repository scopes this deployment has. */
async function wantedApplications(
  { scopes }: Pick<ApplicationScopeDeps, 'scopes'>,
  preset: AppPresetName,
): Promise<Wanted[]> {
  const candidates = REPOSITORY_SCOPES.flatMap((s) => [s.read, s.write])
  const missing = new Set(await scopes.unknownNames(candidates))
  const found = REPOSITORY_SCOPES.filter((s) => !missing.has(s.read) && !missing.has(s.write))
  if (!found.length)
    throw new Invalid(
      `the ${preset} preset gives the helpers repository scopes, and none are installed: import a forge's ` +
        'scopes first (latchkey scope import --preset gitea, or --preset gitlab --force)',
      'preset',
    )
  return GIT_HELPERS.map((h) =>
    parseOrInvalid(NewApplicationInput, {
      ...h,
      isPublic: true,
      redirectUris: LOOPBACK_REDIRECTS,
      grantTypes: ['authorization_code', 'refresh_token', DEVICE_CODE_GRANT],
      scopes: found.flatMap((s) => [s.read, s.write]),
      defaultScopes: found.map((s) => s.write),
      refreshGracePeriod: GIT_HELPER_GRACE_PERIOD,
    }),
  ) as Wanted[]
}

const sameSet = (a: readonly string[] | null, b: readonly string[] | null) =>
  a === null || b === null ? a === b : a.length === b.length && a.every((x) => b.includes(x))

/** The settings of `have` that differ from the preset's `want`. */
function differences(have: Application, want: Wanted): string[] {
  const checks: [string, boolean][] = [
    ['name', have.name === want.name],
    ['public', have.isPublic === want.isPublic],
    ['trusted', have.isTrusted === want.isTrusted],
    ['canIntrospect', have.canIntrospect === want.canIntrospect],
    ['redirectUris', sameSet(have.redirectUris, want.redirectUris)],
    ['scopes', sameSet(have.scopes, want.scopes)],
    ['defaultScopes', sameSet(have.defaultScopes, want.defaultScopes)],
    ['grantTypes', sameSet(have.grantTypes, want.grantTypes)],
    ['refreshPolicy', have.refreshPolicy === want.refreshPolicy],
    ['refreshGracePeriod', have.refreshGracePeriod === want.refreshGracePeriod],
  ]
  return checks.filter(([, same]) => !same).map(([field]) => field)
}

/** Sets an existing application back to the preset: every setting the preset names, nothing else. */
async function reset(trx: Db, row: repo.ApplicationRow, want: Wanted, now: number): Promise<Application> {
  const patch = parseOrInvalid(ApplicationPatch, {
    name: want.name,
    redirectUris: want.redirectUris,
    scopes: want.scopes,
    defaultScopes: want.defaultScopes,
    grantTypes: want.grantTypes,
    refreshPolicy: want.refreshPolicy,
    refreshGracePeriod: want.refreshGracePeriod,
    isTrusted: want.isTrusted,
    canIntrospect: want.canIntrospect,
  })
  const set = applicationRowPatch(patch, now)
  await repo.updateApplication(trx, row.id, set)
  return applicationRowToApplication({ ...row, ...set })
}

/**
 * Registers the preset's applications in one transaction. An application already there with the
 * preset's settings is unchanged; one changed since is kept as it is, and listed with what differs,
 * unless `force` sets it back. A confidential application holding one of the client ids is never
 * turned public (its secret would stop mattering): that is a Conflict, force or not.
 */
export async function importApplicationPreset(
  deps: ApplicationScopeDeps,
  preset: AppPresetName,
  { force = false, actorUserId = null }: { force?: boolean; actorUserId?: string | null } = {},
): Promise<AppPresetImport> {
  const { db, clock, audit } = deps
  const wanted = await wantedApplications(deps, preset)
  return db.transaction().execute(async (trx) => {
    const result: AppPresetImport = { created: [], reset: [], unchanged: [], kept: [] }
    for (const want of wanted) {
      const row = await repo.findApplicationByClientId(trx, want.clientId)
      if (!row) {
        const created = newApplicationRow(want, null, clock.now(), actorUserId)
        await insertNewApplication(trx, created)
        await audit.record(
          { type: 'application.created', actorUserId, applicationId: created.id, detail: { preset } },
          trx,
        )
        result.created.push(applicationRowToApplication(created))
        continue
      }
      const have = applicationRowToApplication(row)
      const differing = differences(have, want)
      if (!differing.length) result.unchanged.push(have)
      else if (!have.isPublic)
        throw new Conflict(
          `client id ${want.clientId} belongs to a confidential application (${have.name}); the ${preset} preset ` +
            'registers it as a public client: delete that application first (latchkey app delete ' +
            `${want.clientId}). Nothing was imported.`,
          'preset',
        )
      else if (!force) result.kept.push({ application: have, differences: differing })
      else {
        result.reset.push(await reset(trx, row, want, clock.now()))
        await audit.record(
          { type: 'application.updated', actorUserId, applicationId: row.id, detail: { preset, fields: differing } },
          trx,
        )
      }
    }
    return result
  })
}
