/** @module `latchkey resource …`: the RFC 8707 resource registry (issue 18). */
import { parseOrInvalid } from '../services/shared/errors.ts'
import { ResourceInput, ResourcePatch, type Resource } from '../services/resources/resources.ts'
import { splitList } from '../services/shared/lists.ts'
import { requireFlag, UsageError } from './args.ts'
import { commandGroup, subcommand } from './command.ts'

const FIELDS = {
  name: '--name',
  uri: '--uri',
  scopes: '--scopes',
  tokenFormat: '--token-format',
  accessTokenTtl: '--access-token-lifetime',
}
const LIFETIME_HELP = 'seconds (30-86400); "default": 300 for jwt, else the application\'s or the server\'s'

const resourceJson = (r: Resource) => ({
  name: r.name,
  uri: r.uri,
  scopes: r.scopes,
  token_format: r.tokenFormat,
  access_token_lifetime: r.accessTokenTtl,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
})

const describe = (r: Resource) =>
  [
    `name          ${r.name}`,
    `uri           ${r.uri}`,
    `scopes        ${r.scopes.join(' ') || '(none)'}`,
    `token format  ${r.tokenFormat}`,
    `lifetime      ${r.accessTokenTtl === null ? 'default' : `${r.accessTokenTtl} s`}`,
  ].join('\n')

function parseLifetime(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined
  if (value === 'default') return null
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN
  if (!Number.isInteger(n)) throw new UsageError('--access-token-lifetime must be a number of seconds or "default"')
  return n
}

function parseFormat(value: string | undefined): 'opaque' | 'jwt' | undefined {
  if (value === undefined) return undefined
  if (value !== 'opaque' && value !== 'jwt') throw new UsageError('--token-format must be opaque or jwt')
  return value
}

const SETTING_FLAGS = {
  uri: { type: 'string', value: 'URI', help: 'absolute URI clients send as resource (no fragment, no query)' },
  scopes: { type: 'string', value: '"A B"', help: 'the scopes it accepts (registered scopes)' },
  'token-format': { type: 'string', value: 'opaque|jwt', help: 'opaque (default) or RFC 9068 JWT access tokens' },
  'access-token-lifetime': { type: 'string', value: 'S|default', help: LIFETIME_HELP },
} as const

/** The `resource` subcommands; test/graphql/parity.test.ts holds each against its GraphQL twin. */
export const RESOURCE_SUBCOMMANDS = {
  create: subcommand({
    usage: '--name N --uri URI [--scopes "A B"] [--token-format opaque|jwt] [--access-token-lifetime S] [--json]',
    summary: 'registers a resource server (RFC 8707); creates the database if there is none yet',
    flags: {
      name: { type: 'string', value: 'N', help: 'lower-case letters, digits, ".", "_", "-"' },
      ...SETTING_FLAGS,
    },
    database: 'create',
    fields: FIELDS,
    prepare({ values }) {
      const input = parseOrInvalid(ResourceInput, {
        name: requireFlag(values.name, 'name'),
        uri: requireFlag(values.uri, 'uri'),
        scopes: splitList(values.scopes),
        tokenFormat: parseFormat(values['token-format']),
        accessTokenTtl: parseLifetime(values['access-token-lifetime']),
      })
      return async ({ services }, print) => {
        const r = await services.resources.create(input)
        print(resourceJson(r), () => `created resource ${r.name} (${r.uri})`)
      }
    },
  }),
  update: subcommand({
    usage: '[--uri URI] [--scopes "A B"] [--token-format opaque|jwt] [--access-token-lifetime S|default] [--json]',
    argument: 'NAME',
    summary: 'changes only what is given; a new --uri revokes the access tokens issued for the old one',
    flags: { name: { type: 'string', value: 'N', help: 'the resource (or give it as NAME)' }, ...SETTING_FLAGS },
    database: 'existing',
    fields: { ...FIELDS, name: 'NAME' },
    prepare({ values, positionals }) {
      const name = requireFlag(positionals[0] ?? values.name, 'name (or NAME)')
      const patch = {
        uri: values.uri,
        scopes: values.scopes === undefined ? undefined : splitList(values.scopes),
        tokenFormat: parseFormat(values['token-format']),
        accessTokenTtl: parseLifetime(values['access-token-lifetime']),
      }
      const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
      if (Object.keys(given).length === 0)
        throw new UsageError('resource update: nothing to change (see latchkey resource update --help)')
      const checked = parseOrInvalid(ResourcePatch, given)
      return async ({ services }, print) => {
        const r = await services.resources.update(name, checked)
        print(resourceJson(r), () => `updated resource ${r.name}`)
      }
    },
  }),
  list: subcommand({
    usage: '[--json]',
    summary: 'lists every resource, its URI, format and scopes',
    flags: {},
    database: 'existing',
    prepare:
      () =>
      async ({ services }, print) => {
        const all = await services.resources.list()
        print(all.map(resourceJson), () =>
          all.length
            ? all
                .map((r) => `${r.name.padEnd(20)} ${r.tokenFormat.padEnd(7)} ${r.uri}  ${r.scopes.join(' ')}`)
                .join('\n')
            : 'no resources',
        )
      },
  }),
  show: subcommand({
    usage: '[--json]',
    argument: 'NAME',
    summary: 'one resource, by name or URI',
    flags: { name: { type: 'string', value: 'N', help: 'the resource (or give it as NAME)' } },
    database: 'existing',
    fields: { name: 'NAME' },
    prepare({ values, positionals }) {
      const name = requireFlag(positionals[0] ?? values.name, 'name (or NAME)')
      return async ({ services }, print) => {
        const r = await services.resources.find(name)
        if (!r) throw new UsageError(`no resource named ${name}`)
        print(resourceJson(r), () => describe(r))
      }
    },
  }),
  delete: subcommand({
    usage: '[--json]',
    argument: 'NAME',
    summary: 'its live access tokens are revoked; its refresh tokens and codes get invalid_target',
    flags: { name: { type: 'string', value: 'N', help: 'the resource (or give it as NAME)' } },
    database: 'existing',
    fields: { name: 'NAME' },
    prepare({ values, positionals }) {
      const name = requireFlag(positionals[0] ?? values.name, 'name (or NAME)')
      return async ({ services }, print) => {
        await services.resources.delete(name)
        print({ deleted: name }, () => `deleted resource ${name}`)
      }
    },
  }),
}

export const resource = commandGroup(
  'resource',
  RESOURCE_SUBCOMMANDS,
  'A client names a resource with the resource parameter (RFC 8707); its access token is then restricted\n' +
    "to the resource's URI (aud), carries only the scopes the resource accepts, and is refused by Latchkey's\n" +
    'own APIs. With --token-format jwt the token is an RFC 9068 JWT that resource servers can verify offline.',
)
