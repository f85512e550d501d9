import type { TokenView } from '../services/admin/tokens.ts'
import { NotFound } from '../services/shared/errors.ts'
import { checkPersonalToken, issuePersonalToken } from '../services/tokens/personal-tokens.ts'
import { splitList } from '../services/shared/lists.ts'
import { requireFlag, UsageError } from './args.ts'
import { commandGroup, subcommand } from './command.ts'

const FIELDS = { username: '--username', scopes: '--scopes', expiresIn: '--expires-in', id: 'ID' }

const iso = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000).toISOString())

export function tokenJson(t: TokenView, username: string | null) {
  return {
    id: t.id,
    user_id: t.userId,
    username,
    hint: t.hint,
    scopes: t.scopes,
    active: t.active,
    created_at: t.createdAt,
    expires_at: t.expiresAt,
    last_used_at: t.lastUsedAt,
    revoked_at: t.revokedAt,
  }
}

function tokenLine(t: TokenView, username: string | null): string {
  const state = t.revokedAt !== null ? 'revoked' : t.active ? `expires ${iso(t.expiresAt) ?? 'never'}` : 'expired'
  return `${t.id}  ${username ?? '-'}  ${t.prefix}…${t.hint}  ${t.scopes.join(' ')}  ${state}`
}

/** The `token` subcommands; test/graphql/parity.test.ts holds each against its GraphQL twin. */
export const TOKEN_SUBCOMMANDS = {
  create: subcommand({
    usage: '--username U --scopes "..." [--expires-in SECONDS] [--json]',
    summary:
      'issues a personal access token for a user (no application), for scripts and the admin API.\n' +
      'The token is printed once; only its SHA-256 is stored. Without --expires-in it does not expire.',
    flags: {
      username: { type: 'string', value: 'U', help: 'the user it acts for' },
      scopes: { type: 'string', value: '"A B"', help: 'what it may do' },
      'expires-in': {
        type: 'string',
        value: 'S',
        help: 'lifetime in seconds, 60 to 31622400 (default: never expires)',
      },
    },
    database: 'existing',
    fields: FIELDS,
    prepare({ values }) {
      const username = requireFlag(values.username, 'username')
      const scopes = splitList(requireFlag(values.scopes, 'scopes'))
      const expiresIn = values['expires-in'] === undefined ? null : Number(values['expires-in'])
      if (expiresIn !== null && (!Number.isInteger(expiresIn) || expiresIn <= 0))
        throw new UsageError('--expires-in must be a positive number of seconds')
      return async ({ services }, print) => {
        const user = await services.users.findByUsername(username)
        if (!user || user.disabled) throw new NotFound(`no active user named ${username}`, 'username')
        const t = await issuePersonalToken(
          services.tokens,
          user.id,
          await checkPersonalToken(services.scopes, { scopes, expiresIn }),
        )
        print(
          { token: t.token, id: t.id, username: user.username, scopes, expires_at: t.expiresAt },
          () => `${t.token}\n(shown once; scopes: ${scopes.join(' ')})`,
        )
      }
    },
  }),
  list: subcommand({
    usage: '[--username U] [--all] [--json]',
    summary:
      'personal access tokens, newest first: id, user, last four characters, scopes, expiry;\n' +
      'only live ones unless --all (then revoked and expired ones too)',
    flags: {
      username: { type: 'string', value: 'U', help: "only this user's tokens" },
      all: { type: 'boolean', help: 'revoked and expired tokens too' },
    },
    database: 'existing',
    fields: FIELDS,
    prepare({ values }) {
      return async ({ services }, print) => {
        const user = values.username === undefined ? undefined : await services.users.findByUsername(values.username)
        if (values.username !== undefined && !user) throw new NotFound(`no user named ${values.username}`, 'username')
        const tokens = await services.admin.tokens.listPersonal({
          userId: user?.id,
          active: values.all ? undefined : true,
        })
        const names = new Map((await services.users.list()).map((u) => [u.id, u.username]))
        const nameOf = (t: TokenView) => (t.userId === null ? null : (names.get(t.userId) ?? null))
        print(
          tokens.map((t) => tokenJson(t, nameOf(t))),
          () => tokens.map((t) => tokenLine(t, nameOf(t))).join('\n') || 'no personal access tokens',
        )
      }
    },
  }),
  revoke: subcommand({
    usage: '[--json]',
    argument: 'ID',
    summary: 'revokes a token by the id that `token list` shows; it stops working at once',
    flags: {},
    database: 'existing',
    fields: FIELDS,
    prepare({ positionals }) {
      const id = requireFlag(positionals[0], 'ID (the token id that `token list` shows)')
      return async ({ services }, print) => {
        const t = await services.admin.tokens.revokeAsOperator(id)
        const username = t.userId === null ? null : ((await services.users.findById(t.userId))?.username ?? null)
        print(tokenJson(t, username), () => `revoked ${t.id} (${t.prefix}…${t.hint})`)
      }
    },
  }),
}

export const token = commandGroup('token', TOKEN_SUBCOMMANDS)
