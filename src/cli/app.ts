import { DEVICE_CODE_GRANT, type Application } from '../services/applications.ts'
import { splitList } from '../services/lists.ts'
import { out, parse, requireFlag, UsageError } from './args.ts'
import { CONFIG_HELP, CONFIG_OPTIONS, withProvider } from './common.ts'

export const APP_HELP = `Usage: latchkey app <command> [options]

Commands:
  create --name N --redirect-uri URI [--redirect-uri URI2 ...] [--scopes "openid profile email"]
         [--grant-types authorization_code,refresh_token] [--public] [--trusted] [--introspect]
         [--id-token-alg RS256|ES256] [--refresh-tokens always|offline_access] [--json]
         Prints the client id and, for confidential applications, the client secret (shown once).
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

${CONFIG_HELP}`

const OPTIONS = {
  ...CONFIG_OPTIONS,
  name: { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  scopes: { type: 'string' },
  'grant-types': { type: 'string' },
  public: { type: 'boolean' },
  trusted: { type: 'boolean' },
  introspect: { type: 'boolean' },
  'id-token-alg': { type: 'string' },
  'refresh-tokens': { type: 'string' },
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
  lines.push(`name:          ${a.name}`, `type:          ${a.isPublic ? 'public' : 'confidential'}${a.isTrusted ? ', trusted' : ''}`, `redirect_uris: ${a.redirectUris.join(' ')}`, `scopes:        ${a.scopes.join(' ')}`, `grant_types:   ${a.grantTypes.join(' ')}`)
  return lines.join('\n')
}

function parseGrantTypes(value: string): string[] {
  return value.split(/[,\s]+/).filter(Boolean).map((g) => (g === 'device_code' ? DEVICE_CODE_GRANT : g))
}

export async function app(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  const { values, positionals } = parse(rest, OPTIONS)
  if (!command || command === '--help' || command === '-h' || values.help) return void console.log(APP_HELP), 0
  const json = !!values.json
  const clientId = () => requireFlag(positionals[0] ?? values['client-id'], 'client-id (or CLIENT_ID)')
  return withProvider(values, async ({ services }) => {
    switch (command) {
      case 'create': {
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
        })
        out(appJson(application, clientSecret), json, () => describe(application, clientSecret))
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
