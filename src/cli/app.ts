import {
  ApplicationPatch,
  DEVICE_CODE_GRANT,
  MAX_REFRESH_GRACE_PERIOD,
  parseNewApplication,
  type Application,
} from '../services/applications/applications.ts'
import { NotFound, parseOrInvalid } from '../services/shared/errors.ts'
import {
  APP_PRESET_NAMES,
  APP_PRESET_SUMMARY,
  type AppPresetImport,
  type AppPresetName,
} from '../services/applications/presets.ts'
import type { Group } from '../services/groups/groups.ts'
import { splitList } from '../services/shared/lists.ts'
import { requireFlag, UsageError, type Flags, type Values } from './args.ts'
import type { Provider } from '../provider.ts'
import { commandGroup, type Print, subcommand } from './command.ts'

/** Service input fields → the flags that set them. */
const FIELDS = {
  name: '--name',
  redirectUris: '--redirect-uri',
  scopes: '--scopes',
  grantTypes: '--grant-types',
  isPublic: '--public',
  isTrusted: '--trusted',
  canIntrospect: '--introspect',
  idTokenAlg: '--id-token-alg',
  refreshPolicy: '--refresh-tokens',
  refreshGracePeriod: '--refresh-grace-period',
  ownerId: '--owner',
  owner: '--owner',
  tokenFormat: '--token-format',
  accessTokenTtl: '--access-token-lifetime',
  refreshTokenTtl: '--refresh-token-lifetime',
  allowedGroups: '--group',
  clientId: 'CLIENT_ID',
  defaultScopes: '--default-scopes',
  preset: '--preset',
  logoUri: '--logo-uri',
  clientUri: '--client-uri',
  policyUri: '--policy-uri',
  tosUri: '--tos-uri',
  contacts: '--contact',
}
/** At creation CLIENT_ID is not an argument but the chosen --client-id. */
const CREATE_FIELDS = { ...FIELDS, clientId: '--client-id' }

const DEFAULT_SCOPES_HELP =
  'what a request naming no scope gets (RFC 6749 §3.3), within --scopes;\n' +
  '"" refuses such requests; "default" (the default) uses the scopes marked default, else all of --scopes'

/** The flags `app create` takes; test/graphql/parity.test.ts holds them against CreateApplicationInput. */
export const CREATE_FLAGS = {
  name: { type: 'string', value: 'N', help: 'the name users see on the consent page' },
  'client-id': {
    type: 'string',
    value: 'ID',
    help:
      'a client id of your choosing (default: a random lkc_…), e.g. one an application already ships with;\n' +
      '3-128 letters, digits and . _ ~ -; must be unused',
  },
  'redirect-uri': {
    type: 'string',
    multiple: true,
    value: 'URI',
    help: 'where codes are sent; repeat for several; needed only with authorization_code',
  },
  scopes: { type: 'string', value: '"A B"', help: 'scopes it may ask for (default "openid profile email")' },
  'default-scopes': { type: 'string', value: '"A B"', help: DEFAULT_SCOPES_HELP },
  'grant-types': {
    type: 'string',
    value: 'G,G',
    help:
      'authorization_code, refresh_token (default both), client_credentials,\n' +
      'password (discouraged), device_code (RFC 8628)',
  },
  public: { type: 'boolean', help: 'a public client (native or SPA): no secret, PKCE required, consent always asked' },
  trusted: { type: 'boolean', help: 'first-party: skips the consent page' },
  introspect: { type: 'boolean', help: 'may introspect every token (a resource server), not only its own' },
  'id-token-alg': { type: 'string', value: 'RS256|ES256', help: 'ID token signature (default RS256)' },
  'refresh-tokens': {
    type: 'string',
    value: 'always|offline_access',
    help:
      'always (default, as GitLab): every user grant gets a refresh token;\n' +
      'offline_access: OpenID requests get one only when they ask for offline_access',
  },
  'refresh-grace-period': {
    type: 'string',
    value: 'SECONDS',
    help:
      'a used refresh token sent again by this application within SECONDS of its use\n' +
      'gets new tokens instead of revoking the grant (for parallel refreshes, as\n' +
      `Git Credential Manager makes); 0 (default) = off, at most ${MAX_REFRESH_GRACE_PERIOD}`,
  },
  owner: {
    type: 'string',
    value: 'USERNAME',
    help: 'the user who owns the application (sees and manages it through the admin API)',
  },
  group: {
    type: 'string',
    multiple: true,
    value: 'NAME',
    help:
      'only members of this group may use it; repeat for several (a member of any one may);\n' +
      'without it, every user may',
  },
  'logo-uri': { type: 'string', value: 'URL', help: 'a logo shown on the consent page (https)' },
  'client-uri': { type: 'string', value: 'URL', help: "the application's home page, linked on the consent page" },
  'policy-uri': { type: 'string', value: 'URL', help: 'its privacy policy, linked on the consent page' },
  'tos-uri': { type: 'string', value: 'URL', help: 'its terms of service, linked on the consent page' },
  contact: {
    type: 'string',
    multiple: true,
    value: 'EMAIL',
    help: 'who is responsible for it (RFC 7591 contacts); repeat for several',
  },
} as const satisfies Flags

const LIFETIME_HELP = `seconds for this application's tokens; "default" uses the server's setting`

/** The settings `app update` changes; held against UpdateApplicationInput the same way. */
export const UPDATE_FLAGS = {
  name: CREATE_FLAGS.name,
  'redirect-uri': { ...CREATE_FLAGS['redirect-uri'], help: 'replaces every redirect URI; repeat for several' },
  scopes: { ...CREATE_FLAGS.scopes, help: 'replaces the scopes it may ask for' },
  'default-scopes': CREATE_FLAGS['default-scopes'],
  'grant-types': CREATE_FLAGS['grant-types'],
  trusted: CREATE_FLAGS.trusted,
  'no-trusted': { type: 'boolean', help: 'asks for consent again (the opposite of --trusted)' },
  introspect: CREATE_FLAGS.introspect,
  'no-introspect': { type: 'boolean', help: 'may introspect only its own tokens again' },
  'id-token-alg': CREATE_FLAGS['id-token-alg'],
  'refresh-tokens': CREATE_FLAGS['refresh-tokens'],
  'refresh-grace-period': CREATE_FLAGS['refresh-grace-period'],
  'token-format': { type: 'string', value: 'opaque|jwt', help: 'opaque access tokens (default) or RFC 9068 JWTs' },
  'access-token-lifetime': { type: 'string', value: 'S|default', help: LIFETIME_HELP },
  'refresh-token-lifetime': { type: 'string', value: 'S|default', help: LIFETIME_HELP },
  group: {
    ...CREATE_FLAGS.group,
    help: 'replaces the groups whose members may use it; repeat for several',
  },
  'no-groups': { type: 'boolean', help: 'opens it to every user again (clears the groups)' },
  'logo-uri': { ...CREATE_FLAGS['logo-uri'], help: 'a logo shown on the consent page; "" removes it' },
  'client-uri': { ...CREATE_FLAGS['client-uri'], help: 'its home page; "" removes it' },
  'policy-uri': { ...CREATE_FLAGS['policy-uri'], help: 'its privacy policy; "" removes it' },
  'tos-uri': { ...CREATE_FLAGS['tos-uri'], help: 'its terms of service; "" removes it' },
  contact: { ...CREATE_FLAGS.contact, help: 'replaces who is responsible for it; repeat for several' },
} as const satisfies Flags

const CLIENT_ID_FLAG = {
  'client-id': { type: 'string', value: 'ID', help: 'the client id (or give it as CLIENT_ID)' },
} as const

export function appJson(a: Application, clientSecret?: string | null, groups: readonly Group[] = []) {
  return {
    client_id: a.clientId,
    ...(clientSecret ? { client_secret: clientSecret } : {}),
    id: a.id,
    name: a.name,
    public: a.isPublic,
    trusted: a.isTrusted,
    redirect_uris: a.redirectUris,
    scopes: a.scopes,
    grant_types: a.grantTypes,
    introspect: a.canIntrospect,
    id_token_alg: a.idTokenAlg,
    refresh_tokens: a.refreshPolicy,
    default_scopes: a.defaultScopes,
    refresh_grace_period: a.refreshGracePeriod,
    token_format: a.tokenFormat,
    access_token_lifetime: a.accessTokenTtl,
    refresh_token_lifetime: a.refreshTokenTtl,
    owner_id: a.ownerId,
    allowed_groups: groups.map((g) => g.name),
    restricted_to_groups: a.restrictedToGroups,
    logo_uri: a.logoUri,
    client_uri: a.clientUri,
    policy_uri: a.policyUri,
    tos_uri: a.tosUri,
    contacts: a.contacts,
    registration: a.registration,
    grant_completed_at: a.grantCompletedAt,
    metadata_fetched_at: a.metadataDocument?.fetchedAt ?? null,
    metadata_expires_at: a.metadataDocument?.expiresAt ?? null,
    created_at: a.createdAt,
  }
}

/** Issue 16: who may use it; a restricted application whose groups were all deleted is closed. */
function whoMayUse(a: Application, groups: readonly Group[]): string {
  if (!a.restrictedToGroups) return 'everyone'
  return groups.length ? `members of ${groups.map((g) => g.name).join(', ')}` : 'nobody (its groups were deleted)'
}

function describe(a: Application, secret?: string | null, groups: readonly Group[] = []): string {
  const lines = [`client_id:     ${a.clientId}`]
  if (secret) lines.push(`client_secret: ${secret}   (shown once; store it now)`)
  lines.push(
    `name:          ${a.name}`,
    `type:          ${a.isPublic ? 'public' : 'confidential'}` +
      `${a.isTrusted ? ', trusted' : ''}${a.canIntrospect ? ', introspects' : ''}`,
    `redirect_uris: ${a.redirectUris.join(' ')}`,
    `scopes:        ${a.scopes.join(' ')}` +
      (a.defaultScopes === null ? '' : `   (without a scope: ${a.defaultScopes.join(' ') || 'refused'})`),
    `grant_types:   ${a.grantTypes.join(' ')}`,
    `users:         ${whoMayUse(a, groups)}`,
  )
  const lifetime = (s: number | null) => (s === null ? 'default' : `${s} s`)
  lines.push(
    `tokens:        ${a.tokenFormat}, access ${lifetime(a.accessTokenTtl)}, ` +
      `refresh ${lifetime(a.refreshTokenTtl)} (${a.refreshPolicy}), ID token ${a.idTokenAlg}`,
  )
  if (a.refreshGracePeriod > 0) lines.push(`refresh grace: ${a.refreshGracePeriod} s`)
  const links = [a.clientUri, a.logoUri, a.policyUri, a.tosUri].filter((u) => u !== null)
  if (links.length) lines.push(`links:         ${links.join(' ')}`)
  if (a.contacts.length) lines.push(`contacts:      ${a.contacts.join(' ')}`)
  if (a.registration !== 'admin') lines.push(`registered:    ${a.registration}`)
  if (a.metadataDocument)
    lines.push(
      `metadata:      fetched ${isoTime(a.metadataDocument.fetchedAt)}, ` +
        `fetched again after ${isoTime(a.metadataDocument.expiresAt)}`,
    )
  return lines.join('\n')
}

function parseGrantTypes(value: string): string[] {
  return value
    .split(/[,\s]+/)
    .filter(Boolean)
    .map((g) => (g === 'device_code' ? DEVICE_CODE_GRANT : g))
}

/** A scope list, or `default` (null: the server's rule for a request without scope). */
function parseDefaultScopes(value: string): string[] | null {
  return value === 'default' ? null : splitList(value)
}

/** Seconds, or `default` (null: the server's TTL setting). */
function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString()
}

function parseLifetime(value: string, flag: string): number | null {
  if (value === 'default') return null
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${flag} must be a number of seconds or "default"`)
  return n
}

/** Whole seconds, 0 or more; the service's rule checks the upper bound and names the flag. */
function parseGracePeriod(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(n))
    throw new UsageError(
      `--refresh-grace-period must be a whole number of seconds (0 = off), not ${JSON.stringify(value.slice(0, 40))}`,
    )
  return n
}

/** A boolean that update may set either way: --trusted / --no-trusted; undefined when neither. */
function onOff(on: boolean | undefined, off: boolean | undefined, flag: string): boolean | undefined {
  if (on && off) throw new UsageError(`--${flag} and --no-${flag} contradict each other`)
  return on ? true : off ? false : undefined
}

/** The patch `app update` sends: only the flags given, checked by the service's own rule before the database opens. */
function updatePatch(values: Values<typeof UPDATE_FLAGS>) {
  const lifetime = (flag: 'access-token-lifetime' | 'refresh-token-lifetime') =>
    values[flag] === undefined ? undefined : parseLifetime(values[flag], flag)
  const patch = {
    name: values.name,
    redirectUris: values['redirect-uri'],
    scopes: values.scopes === undefined ? undefined : splitList(values.scopes),
    defaultScopes: values['default-scopes'] === undefined ? undefined : parseDefaultScopes(values['default-scopes']),
    grantTypes: values['grant-types'] === undefined ? undefined : parseGrantTypes(values['grant-types']),
    isTrusted: onOff(values.trusted, values['no-trusted'], 'trusted'),
    canIntrospect: onOff(values.introspect, values['no-introspect'], 'introspect'),
    idTokenAlg: values['id-token-alg'],
    refreshPolicy: values['refresh-tokens'],
    refreshGracePeriod: parseGracePeriod(values['refresh-grace-period']),
    tokenFormat: values['token-format'],
    accessTokenTtl: lifetime('access-token-lifetime'),
    refreshTokenTtl: lifetime('refresh-token-lifetime'),
    ...links(values, true),
    contacts: values.contact,
    // --group NAME is resolved to ids once the database is open; --no-groups clears the list here.
    allowedGroups: values['no-groups'] ? [] : undefined,
  }
  if (values['no-groups'] && values.group) throw new UsageError('--group and --no-groups contradict each other')
  const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
  if (Object.keys(given).length === 0 && !values.group)
    throw new UsageError('app update: nothing to change (see latchkey app update --help)')
  return parseOrInvalid(ApplicationPatch, given)
}

/** The link flags given; on update "" clears a link (null). */
function links(values: Partial<Record<'logo-uri' | 'client-uri' | 'policy-uri' | 'tos-uri', string>>, clear: boolean) {
  const link = (v: string | undefined) => (v === undefined ? undefined : clear && v === '' ? null : v)
  return {
    logoUri: link(values['logo-uri']),
    clientUri: link(values['client-uri']),
    policyUri: link(values['policy-uri']),
    tosUri: link(values['tos-uri']),
  }
}

/** Prints one application with the names of the groups on its list. */
async function printApp(services: Provider['services'], print: Print, a: Application, secret?: string | null) {
  const [groups] = await services.applications.allowedGroups([a.id])
  print(appJson(a, secret, groups), () => describe(a, secret, groups))
}

/** `--group NAME ...` → the groups' ids, NotFound naming the first unknown one. */
async function groupIds(services: Provider['services'], names: readonly string[]): Promise<string[]> {
  const ids: string[] = []
  for (const name of names) {
    const group = await services.groups.find({ name })
    if (!group) throw new NotFound(`no group named ${name}`, 'allowedGroups')
    ids.push(group.id)
  }
  return ids
}

function clientIdOf(positionals: string[], values: { 'client-id'?: string }): string {
  return requireFlag(positionals[0] ?? values['client-id'], 'client-id (or CLIENT_ID)')
}

/** A subcommand that acts on one existing application named by CLIENT_ID (or --client-id). */
function byClientId(
  summary: string,
  act: (services: Provider['services'], clientId: string, print: Print) => Promise<void>,
) {
  return subcommand({
    usage: '[--json]',
    argument: 'CLIENT_ID',
    summary,
    flags: CLIENT_ID_FLAG,
    database: 'existing',
    fields: FIELDS,
    prepare({ values, positionals }) {
      const clientId = clientIdOf(positionals, values)
      return ({ services }, print) => act(services, clientId, print)
    },
  })
}

function presetSummary(r: AppPresetImport): string {
  const line = (a: Application) => `${a.clientId}  ${a.name}`
  const lines = [
    ...r.created.map((a) => `created   ${line(a)}`),
    ...r.reset.map((a) => `reset     ${line(a)}`),
    ...r.unchanged.map((a) => `unchanged ${line(a)}`),
    ...r.kept.map((k) => `kept      ${line(k.application)}  (differs in ${k.differences.join(', ')}; --force resets)`),
  ]
  if (!r.created.length && !r.reset.length) lines.push('nothing changed')
  return lines.join('\n')
}

const presetJson = (r: AppPresetImport) => ({
  created: r.created.map((a) => appJson(a)),
  reset: r.reset.map((a) => appJson(a)),
  unchanged: r.unchanged.map((a) => appJson(a)),
  kept: r.kept.map((k) => ({ ...appJson(k.application), differences: k.differences })),
})

/** `app import --preset NAME` (issue 16), the twin of `scope import --preset NAME`. */
const importPreset = subcommand({
  usage: '--preset NAME [--force] [--json]',
  summary: `registers a set of well-known applications under the client ids they ship with.
${APP_PRESET_NAMES.map((n) => `     ${n.padEnd(12)} ${APP_PRESET_SUMMARY[n]}`).join('\n')}
Running it again changes nothing and says so; an application changed since is kept unless --force.
git-helpers needs a forge's repository scopes first: latchkey scope import --preset gitea (or gitlab).`,
  flags: {
    preset: { type: 'string', value: 'NAME', help: `one of: ${APP_PRESET_NAMES.join(', ')}` },
    force: { type: 'boolean', help: "set applications changed since back to the preset's settings" },
  },
  database: 'create',
  fields: FIELDS,
  prepare({ values }) {
    const preset = requireFlag(values.preset, 'preset')
    if (!(APP_PRESET_NAMES as readonly string[]).includes(preset))
      throw new UsageError(`unknown preset ${preset}; use one of ${APP_PRESET_NAMES.join(', ')}`)
    return async ({ services }, print) => {
      const result = await services.applications.importPreset(preset as AppPresetName, { force: !!values.force })
      print(presetJson(result), () => presetSummary(result))
    }
  },
})
/** The `app` subcommands; test/graphql/parity.test.ts holds each against its GraphQL twin. */
export const APP_SUBCOMMANDS = {
  create: subcommand({
    usage:
      '--name N [--client-id ID] [--redirect-uri URI ...] [--scopes "openid profile email"]\n' +
      '         [--default-scopes "A B"|default] [--grant-types G,G] [--public]\n' +
      '         [--trusted] [--introspect] [--id-token-alg RS256|ES256] [--refresh-tokens always|offline_access]\n' +
      '         [--refresh-grace-period SECONDS] [--owner USERNAME] [--group NAME ...]\n' +
      '         [--logo-uri URL] [--client-uri URL] [--policy-uri URL] [--tos-uri URL] [--contact EMAIL ...] [--json]',
    summary:
      'registers an application; prints the client id and, for confidential ones, the client secret (shown once).\n' +
      'Creates the database if there is none yet.',
    flags: CREATE_FLAGS,
    database: 'create',
    fields: CREATE_FIELDS,
    prepare({ values }) {
      const input = {
        name: requireFlag(values.name, 'name'),
        ...(values['client-id'] !== undefined ? { clientId: values['client-id'] } : {}),
        ...(values['default-scopes'] !== undefined
          ? { defaultScopes: parseDefaultScopes(values['default-scopes']) }
          : {}),
        redirectUris: values['redirect-uri'] ?? [],
        ...(values.scopes !== undefined ? { scopes: splitList(values.scopes) } : {}),
        ...(values['grant-types'] !== undefined ? { grantTypes: parseGrantTypes(values['grant-types']) as never } : {}),
        ...(values['refresh-tokens'] !== undefined ? { refreshPolicy: values['refresh-tokens'] as never } : {}),
        ...(values['refresh-grace-period'] !== undefined
          ? { refreshGracePeriod: parseGracePeriod(values['refresh-grace-period']) }
          : {}),
        isPublic: !!values.public,
        isTrusted: !!values.trusted,
        canIntrospect: !!values.introspect,
        ...(values['id-token-alg'] !== undefined ? { idTokenAlg: values['id-token-alg'] as never } : {}),
        ...Object.fromEntries(Object.entries(links(values, false)).filter(([, v]) => v !== undefined)),
        ...(values.contact !== undefined ? { contacts: values.contact } : {}),
      }
      parseNewApplication(input)
      return async ({ services }, print) => {
        const owner = values.owner === undefined ? undefined : await services.users.findByUsername(values.owner)
        if (values.owner !== undefined && !owner) throw new NotFound(`no user named ${values.owner}`, 'owner')
        const { application, clientSecret } = await services.applications.create({
          ...input,
          ...(owner && { ownerId: owner.id }),
          allowedGroups: await groupIds(services, values.group ?? []),
        })
        await printApp(services, print, application, clientSecret)
      }
    },
  }),
  update: subcommand({
    usage:
      '[--name N] [--redirect-uri URI ...] [--scopes "..."] [--default-scopes "..."|default]\n' +
      '         [--grant-types G,G] [--trusted|--no-trusted]\n' +
      '         [--introspect|--no-introspect] [--id-token-alg RS256|ES256] ' +
      '[--refresh-tokens always|offline_access]\n' +
      '         [--refresh-grace-period SECONDS] [--token-format opaque|jwt]\n' +
      '         [--access-token-lifetime S|default] [--refresh-token-lifetime S|default]\n' +
      '         [--group NAME ... | --no-groups] [--logo-uri URL] [--client-uri URL] [--policy-uri URL]\n' +
      '         [--tos-uri URL] [--contact EMAIL ...] [--json]',
    argument: 'CLIENT_ID',
    summary:
      'changes only what is given (say, a redirect URI typo); --redirect-uri and --scopes replace the whole list',
    flags: { ...UPDATE_FLAGS, ...CLIENT_ID_FLAG },
    database: 'existing',
    fields: FIELDS,
    prepare({ values, positionals }) {
      const clientId = clientIdOf(positionals, values)
      const patch = updatePatch(values)
      return async ({ services }, print) => {
        const groups = values.group && { allowedGroups: await groupIds(services, values.group) }
        const a = await services.applications.update(clientId, { ...patch, ...groups })
        await printApp(services, print, a)
      }
    },
  }),
  list: subcommand({
    usage: '[--json]',
    summary: 'lists every application (never a secret)',
    flags: {},
    database: 'existing',
    prepare:
      () =>
      async ({ services }, print) => {
        const apps = await services.applications.list()
        const groups = await services.applications.allowedGroups(apps.map((a) => a.id))
        print(
          apps.map((a, i) => appJson(a, null, groups[i])),
          () =>
            apps.map((a) => `${a.clientId}  ${a.name}${a.isPublic ? '  public' : ''}`).join('\n') || 'no applications',
        )
      },
  }),
  show: byClientId('shows one application (never its secret)', async (services, clientId, print) => {
    await printApp(services, print, await services.applications.show(clientId))
  }),
  'rotate-secret': byClientId(
    'prints the new secret once; the old one stops working',
    async (services, clientId, print) => {
      const { application, clientSecret } = await services.applications.rotateSecret(clientId)
      await printApp(services, print, application, clientSecret)
    },
  ),
  delete: byClientId(
    'deletes the application and revokes every token and grant it holds',
    async (services, clientId, print) => {
      await services.applications.delete(clientId)
      print({ deleted: clientId }, () => `deleted ${clientId}`)
    },
  ),
  import: importPreset,
}

export const app = commandGroup('app', APP_SUBCOMMANDS)
