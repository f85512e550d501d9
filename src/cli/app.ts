import { DEVICE_CODE_GRANT, type Application } from '../services/applications.ts'
import { NotFound } from '../services/errors.ts'
import { splitList } from '../services/lists.ts'
import { out, parse, requireFlag, UsageError } from './args.ts'
import { CONFIG_HELP, CONFIG_OPTIONS, withProvider } from './common.ts'

export const APP_HELP = `Usage: latchkey app <command> [options]

Commands:
  create --name N --redirect-uri URI [--redirect-uri URI2 ...] [--scopes "openid profile email"]
         [--grant-types authorization_code,refresh_token] [--public] [--trusted] [--introspect]
         [--id-token-alg RS256|ES256] [--refresh-tokens always|offline_access] [--owner USERNAME] [--json]
         Prints the client id and, for confidential applications, the client secret (shown once).
  update CLIENT_ID [--name N] [--redirect-uri URI ...] [--scopes "..."] [--grant-types ...]
         [--trusted|--no-trusted] [--introspect|--no-introspect] [--id-token-alg RS256|ES256]
         [--refresh-tokens always|offline_access] [--token-format opaque|jwt]
         [--access-token-lifetime S|default] [--refresh-token-lifetime S|default] [--json]
         Changes only what is given; --redirect-uri and --scopes replace the whole list.
  list [--json]
  show CLIENT_ID [--json]
  rotate-secret CLIENT_ID [--json]   prints the new secret once; the old one stops working
  delete CLIENT_ID                   revokes every token and grant of the application

Grant types: authorization_code, refresh_token, client_credentials, password (discouraged),
             device_code (RFC 8628; also accepted as urn:ietf:params:oauth:grant-type:device_code).
             --redirect-uri is needed only with authorization_code.
--refresh-tokens  always (default, as GitLab): every user grant gets a refresh token;
             offline_access: OpenID requests get one only when they ask for offline_access
--public     a public client (native or SPA): no secret, PKCE required, consent always asked
--trusted    first-party: skips the consent page
--introspect may introspect every token (a resource server), not only its own
--owner      the user who owns the application (sees and manages it through the admin API)
--access-token-lifetime, --refresh-token-lifetime
             seconds for this application's tokens; "default" uses the server's TTL setting

${CONFIG_HELP}`

/** The settings `app create` takes; test/graphql/parity.test.ts holds them against CreateApplicationInput. */
export const CREATE_OPTIONS = {
  name: { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  scopes: { type: 'string' },
  'grant-types': { type: 'string' },
  public: { type: 'boolean' },
  trusted: { type: 'boolean' },
  introspect: { type: 'boolean' },
  'id-token-alg': { type: 'string' },
  'refresh-tokens': { type: 'string' },
  owner: { type: 'string' },
} as const

/** The settings `app update` changes; held against UpdateApplicationInput the same way. */
export const UPDATE_OPTIONS = {
  name: { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  scopes: { type: 'string' },
  'grant-types': { type: 'string' },
  trusted: { type: 'boolean' },
  'no-trusted': { type: 'boolean' },
  introspect: { type: 'boolean' },
  'no-introspect': { type: 'boolean' },
  'id-token-alg': { type: 'string' },
  'refresh-tokens': { type: 'string' },
  'token-format': { type: 'string' },
  'access-token-lifetime': { type: 'string' },
  'refresh-token-lifetime': { type: 'string' },
} as const

const OPTIONS = {
  ...CONFIG_OPTIONS,
  ...CREATE_OPTIONS,
  ...UPDATE_OPTIONS,
  'client-id': { type: 'string' },
  json: { type: 'boolean' },
} as const

export function appJson(a: Application, clientSecret?: string | null) {
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
    created_at: a.createdAt,
  }
}

function describe(a: Application, secret?: string | null): string {
  const lines = [`client_id:     ${a.clientId}`]
  if (secret) lines.push(`client_secret: ${secret}   (shown once; store it now)`)
  lines.push(`name:          ${a.name}`, `type:          ${a.isPublic ? 'public' : 'confidential'}${a.isTrusted ? ', trusted' : ''}${a.canIntrospect ? ', introspects' : ''}`, `redirect_uris: ${a.redirectUris.join(' ')}`, `scopes:        ${a.scopes.join(' ')}`, `grant_types:   ${a.grantTypes.join(' ')}`)
  const lifetime = (s: number | null) => (s === null ? 'default' : `${s} s`)
  lines.push(`tokens:        ${a.tokenFormat}, access ${lifetime(a.accessTokenTtl)}, refresh ${lifetime(a.refreshTokenTtl)} (${a.refreshPolicy}), ID token ${a.idTokenAlg}`)
  return lines.join('\n')
}

function parseGrantTypes(value: string): string[] {
  return value.split(/[,\s]+/).filter(Boolean).map((g) => (g === 'device_code' ? DEVICE_CODE_GRANT : g))
}

/** Seconds, or `default` (null: the server's TTL setting). */
function parseLifetime(value: string, flag: string): number | null {
  if (value === 'default') return null
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${flag} must be a number of seconds or "default"`)
  return n
}

/**
 * A boolean that update may set either way: --trusted / --no-trusted; undefined when neither.
 * `values[flag] === false` is how a parser with negation (allowNegative) reports --no-trusted.
 */
function onOff(values: Record<string, unknown>, flag: string): boolean | undefined {
  const on = values[flag] === true
  const off = values[flag] === false || values[`no-${flag}`] === true
  if (on && off) throw new UsageError(`--${flag} and --no-${flag} contradict each other`)
  return on ? true : off ? false : undefined
}

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values']

/** The patch `app update` sends: only the flags given. */
function updatePatch(values: Values) {
  const patch = {
    name: values.name,
    redirectUris: values['redirect-uri'],
    scopes: values.scopes === undefined ? undefined : splitList(values.scopes),
    grantTypes: values['grant-types'] === undefined ? undefined : (parseGrantTypes(values['grant-types']) as never),
    isTrusted: onOff(values, 'trusted'),
    canIntrospect: onOff(values, 'introspect'),
    idTokenAlg: values['id-token-alg'] as never,
    refreshPolicy: values['refresh-tokens'] as never,
    tokenFormat: values['token-format'] as never,
    accessTokenTtl: values['access-token-lifetime'] === undefined ? undefined : parseLifetime(values['access-token-lifetime'], 'access-token-lifetime'),
    refreshTokenTtl: values['refresh-token-lifetime'] === undefined ? undefined : parseLifetime(values['refresh-token-lifetime'], 'refresh-token-lifetime'),
  }
  const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
  if (Object.keys(given).length === 0) throw new UsageError('app update: nothing to change (see latchkey app --help)')
  return given
}

export async function app(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  const { values, positionals } = parse(rest, OPTIONS)
  if (!command || command === '--help' || command === '-h' || values.help) return void console.log(APP_HELP), 0
  const json = !!values.json
  const clientId = () => requireFlag(positionals[0] ?? values['client-id'], 'client-id (or CLIENT_ID)')
  const patch = command === 'update' ? (clientId(), updatePatch(values)) : undefined // usage errors before the database opens
  return withProvider(values, async ({ services }) => {
    switch (command) {
      case 'create': {
        const owner = values.owner === undefined ? undefined : await services.users.findByUsername(values.owner)
        if (values.owner !== undefined && !owner) throw new NotFound(`no user named ${values.owner}`, 'owner')
        const { application, clientSecret } = await services.applications.create({
          name: requireFlag(values.name, 'name'),
          redirectUris: values['redirect-uri'] ?? [],
          ...(values.scopes !== undefined ? { scopes: splitList(values.scopes) } : {}),
          ...(values['grant-types'] !== undefined ? { grantTypes: parseGrantTypes(values['grant-types']) as never } : {}),
          ...(values['refresh-tokens'] !== undefined ? { refreshPolicy: values['refresh-tokens'] as never } : {}),
          isPublic: !!values.public,
          isTrusted: !!values.trusted,
          canIntrospect: !!values.introspect,
          ...(values['id-token-alg'] !== undefined ? { idTokenAlg: values['id-token-alg'] as never } : {}),
          ...(owner ? { ownerId: owner.id } : {}),
        })
        out(appJson(application, clientSecret), json, () => describe(application, clientSecret))
        return 0
      }
      case 'update': {
        const a = await services.applications.update(clientId(), patch!)
        out(appJson(a), json, () => describe(a))
        return 0
      }
      case 'list': {
        const apps = await services.applications.list()
        out(apps.map((a) => appJson(a)), json, () => apps.map((a) => `${a.clientId}  ${a.name}${a.isPublic ? '  public' : ''}`).join('\n') || 'no applications')
        return 0
      }
      case 'show': {
        const a = await services.applications.show(clientId())
        out(appJson(a), json, () => describe(a))
        return 0
      }
      case 'rotate-secret': {
        const { application, clientSecret } = await services.applications.rotateSecret(clientId())
        out(appJson(application, clientSecret), json, () => describe(application, clientSecret))
        return 0
      }
      case 'delete': {
        const id = clientId()
        await services.applications.delete(id)
        out({ deleted: id }, json, () => `deleted ${id}`)
        return 0
      }
      default:
        throw new UsageError(`unknown command: app ${command}`)
    }
  })
}
