/**
 * @module
 * `latchkey registration-token`: initial access tokens (RFC 7591 §3, issue 18) for registration policy
 * `token`. The twin of GraphQL's createInitialAccessToken / initialAccessTokens / revokeInitialAccessToken.
 */
import { DEVICE_CODE_GRANT } from '../services/applications/applications.ts'
import { type InitialAccessToken, NewInitialAccessTokenInput } from '../services/registration/initial-access-tokens.ts'
import { parseOrInvalid } from '../services/shared/errors.ts'
import { splitList } from '../services/shared/lists.ts'
import { requireFlag, UsageError } from './args.ts'
import { commandGroup, subcommand } from './command.ts'

const FIELDS = {
  expiresIn: '--expires-in',
  maxUses: '--uses',
  scopes: '--scopes',
  grantTypes: '--grant-types',
  description: '--description',
  id: 'ID',
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }

/** `3600`, `90m`, `12h`, `7d` → seconds. */
function parseDuration(value: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(value.trim())
  if (!m) throw new UsageError(`--expires-in must be seconds or a number with s, m, h or d (e.g. 7d), not ${value}`)
  return Number(m[1]) * UNITS[m[2] || 's']!
}

function parseUses(value: string): number | null {
  if (value === 'unlimited') return null
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError('--uses must be a whole number from 1, or "unlimited"')
  return n
}

const iso = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000).toISOString())

export function initialTokenJson(t: InitialAccessToken) {
  return {
    id: t.id,
    hint: t.hint,
    description: t.description,
    scopes: t.scopes,
    grant_types: t.grantTypes,
    max_uses: t.maxUses,
    use_count: t.useCount,
    state: t.state,
    created_at: t.createdAt,
    expires_at: t.expiresAt,
    last_used_at: t.lastUsedAt,
    revoked_at: t.revokedAt,
  }
}

function line(t: InitialAccessToken): string {
  const uses = `${t.useCount}/${t.maxUses ?? '∞'} used`
  return `${t.id}  …${t.hint}  ${t.state.padEnd(7)}  ${uses}  expires ${iso(t.expiresAt)}  ${t.scopes.join(' ')}  ${
    t.description ?? ''
  }`.trimEnd()
}

/** The `registration-token` subcommands; test/graphql/parity.test.ts holds each against its GraphQL twin. */
export const REGISTRATION_TOKEN_SUBCOMMANDS = {
  create: subcommand({
    usage:
      '[--expires-in 1d] [--uses 1|unlimited] [--scopes "openid profile email"]\n' +
      '         [--grant-types authorization_code,refresh_token] [--description D] [--json]',
    summary:
      'makes an initial access token (RFC 7591 §3) for registering clients at /oauth/register under\n' +
      '--registration-policy token. Printed once; only its SHA-256 is stored.',
    flags: {
      'expires-in': { type: 'string', value: 'DURATION', help: 'seconds, or 90m, 12h, 7d; at most 366d (default 1d)' },
      uses: { type: 'string', value: 'N', help: 'registrations it may make, or "unlimited" (default 1)' },
      scopes: {
        type: 'string',
        value: '"A B"',
        help: 'the most a client registered with it may ask for (default "openid profile email")',
      },
      'grant-types': {
        type: 'string',
        value: 'G,G',
        help:
          'the grant types it may register: authorization_code, refresh_token, client_credentials,\n' +
          'device_code (default authorization_code,refresh_token)',
      },
      description: { type: 'string', value: 'D', help: 'for whom or what it was made' },
    },
    database: 'existing',
    fields: FIELDS,
    prepare({ values }) {
      const input = parseOrInvalid(NewInitialAccessTokenInput, {
        ...(values['expires-in'] !== undefined && { expiresIn: parseDuration(values['expires-in']) }),
        ...(values.uses !== undefined && { maxUses: parseUses(values.uses) }),
        ...(values.scopes !== undefined && { scopes: splitList(values.scopes) }),
        ...(values['grant-types'] !== undefined && {
          grantTypes: values['grant-types']
            .split(/[,\s]+/)
            .filter(Boolean)
            .map((g) => (g === 'device_code' ? DEVICE_CODE_GRANT : g)),
        }),
        ...(values.description !== undefined && { description: values.description }),
      })
      return async ({ services }, print) => {
        const { token, initialAccessToken: t } = await services.registration.createToken(input)
        print(
          { token, ...initialTokenJson(t) },
          () =>
            `${token}\n(shown once; ${t.maxUses ?? 'any number of'} registration(s) until ${iso(t.expiresAt)}; ` +
            `scopes: ${t.scopes.join(' ')}; grant types: ${t.grantTypes.join(' ')})`,
        )
      }
    },
  }),
  list: subcommand({
    usage: '[--json]',
    summary: 'every initial access token, newest first: id, last characters, state, uses, expiry, scopes',
    flags: {},
    database: 'existing',
    prepare:
      () =>
      async ({ services }, print) => {
        const tokens = await services.registration.listTokens()
        print(tokens.map(initialTokenJson), () => tokens.map(line).join('\n') || 'no initial access tokens')
      },
  }),
  revoke: subcommand({
    usage: '[--json]',
    argument: 'ID',
    summary: 'the token stops working at once (clients it registered stay)',
    flags: {},
    database: 'existing',
    fields: FIELDS,
    prepare({ positionals }) {
      const id = requireFlag(positionals[0], 'ID (the id that `registration-token list` shows)')
      return async ({ services }, print) => {
        const t = await services.registration.revokeToken(id)
        print(initialTokenJson(t), () => `revoked ${t.id} (…${t.hint})`)
      }
    },
  }),
}

export const registrationToken = commandGroup('registration-token', REGISTRATION_TOKEN_SUBCOMMANDS)
