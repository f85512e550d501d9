import { DEVICE_CODE_GRANT, parseNewApplication, type Application } from '../services/applications.ts'
import { splitList } from '../services/lists.ts'
import { requireFlag } from './args.ts'
import { commandGroup, subcommand } from './command.ts'

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
  clientId: 'CLIENT_ID',
}

const CREATE_FLAGS = {
  name: { type: 'string', value: 'N', help: 'the name users see on the consent page' },
  'redirect-uri': { type: 'string', multiple: true, value: 'URI', help: 'where codes are sent; repeat for several; needed only with authorization_code' },
  scopes: { type: 'string', value: '"A B"', help: 'scopes it may ask for (default "openid profile email")' },
  'grant-types': {
    type: 'string',
    value: 'G,G',
    help: 'authorization_code, refresh_token (default both), client_credentials,\npassword (discouraged), device_code (RFC 8628)',
  },
  public: { type: 'boolean', help: 'a public client (native or SPA): no secret, PKCE required, consent always asked' },
  trusted: { type: 'boolean', help: 'first-party: skips the consent page' },
  introspect: { type: 'boolean', help: 'may introspect every token (a resource server), not only its own' },
  'id-token-alg': { type: 'string', value: 'RS256|ES256', help: 'ID token signature (default RS256)' },
  'refresh-tokens': {
    type: 'string',
    value: 'always|offline_access',
    help: 'always (default, as GitLab): every user grant gets a refresh token;\noffline_access: OpenID requests get one only when they ask for offline_access',
  },
} as const

const CLIENT_ID_FLAG = { 'client-id': { type: 'string', value: 'ID', help: 'the client id (or give it as CLIENT_ID)' } } as const

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

function clientIdOf(positionals: string[], values: { 'client-id'?: string }): string {
  return requireFlag(positionals[0] ?? values['client-id'], 'client-id (or CLIENT_ID)')
}

export const app = commandGroup('app', {
  create: subcommand({
    usage: '--name N [--redirect-uri URI ...] [--scopes "openid profile email"] [--grant-types G,G] [--public]\n         [--trusted] [--introspect] [--id-token-alg RS256|ES256] [--refresh-tokens always|offline_access] [--json]',
    summary: 'registers an application; prints the client id and, for confidential ones, the client secret (shown once).\nCreates the database if there is none yet.',
    flags: CREATE_FLAGS,
    database: 'create',
    fields: FIELDS,
    prepare({ values }) {
      const input = {
        name: requireFlag(values.name, 'name'),
        redirectUris: values['redirect-uri'] ?? [],
        ...(values.scopes !== undefined ? { scopes: splitList(values.scopes) } : {}),
        ...(values['grant-types'] !== undefined ? { grantTypes: parseGrantTypes(values['grant-types']) as never } : {}),
        ...(values['refresh-tokens'] !== undefined ? { refreshPolicy: values['refresh-tokens'] as never } : {}),
        isPublic: !!values.public,
        isTrusted: !!values.trusted,
        canIntrospect: !!values.introspect,
        ...(values['id-token-alg'] !== undefined ? { idTokenAlg: values['id-token-alg'] as never } : {}),
      }
      parseNewApplication(input)
      return async ({ services }, print) => {
        const { application, clientSecret } = await services.applications.create(input)
        print(appJson(application, clientSecret), () => describe(application, clientSecret))
      }
    },
  }),
  list: subcommand({
    usage: '[--json]',
    summary: 'lists every application (never a secret)',
    flags: {},
    database: 'existing',
    prepare: () => async ({ services }, print) => {
      const apps = await services.applications.list()
      print(apps.map((a) => appJson(a)), () => apps.map((a) => `${a.clientId}  ${a.name}${a.isPublic ? '  public' : ''}`).join('\n') || 'no applications')
    },
  }),
  show: subcommand({
    usage: '[--json]',
    argument: 'CLIENT_ID',
    summary: 'shows one application (never its secret)',
    flags: CLIENT_ID_FLAG,
    database: 'existing',
    fields: FIELDS,
    prepare({ values, positionals }) {
      const clientId = clientIdOf(positionals, values)
      return async ({ services }, print) => {
        const a = await services.applications.show(clientId)
        print(appJson(a), () => describe(a))
      }
    },
  }),
  'rotate-secret': subcommand({
    usage: '[--json]',
    argument: 'CLIENT_ID',
    summary: 'prints the new secret once; the old one stops working',
    flags: CLIENT_ID_FLAG,
    database: 'existing',
    fields: FIELDS,
    prepare({ values, positionals }) {
      const clientId = clientIdOf(positionals, values)
      return async ({ services }, print) => {
        const { application, clientSecret } = await services.applications.rotateSecret(clientId)
        print(appJson(application, clientSecret), () => describe(application, clientSecret))
      }
    },
  }),
  delete: subcommand({
    usage: '[--json]',
    argument: 'CLIENT_ID',
    summary: 'deletes the application and revokes every token and grant it holds',
    flags: CLIENT_ID_FLAG,
    database: 'existing',
    fields: FIELDS,
    prepare({ values, positionals }) {
      const clientId = clientIdOf(positionals, values)
      return async ({ services }, print) => {
        await services.applications.delete(clientId)
        print({ deleted: clientId }, () => `deleted ${clientId}`)
      }
    },
  }),
})
