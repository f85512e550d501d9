import type { TokenView } from '../services/admin-tokens.ts'
import { splitList } from '../services/lists.ts'
import { NotFound, Invalid } from '../services/errors.ts'
import type { Services } from '../services/index.ts'
import { out, parse, requireFlag, UsageError } from './args.ts'
import { CONFIG_HELP, CONFIG_OPTIONS, withProvider } from './common.ts'

export const TOKEN_HELP = `Usage: latchkey token <command> [options]

Commands:
  create --username U --scopes "..." [--expires-in SECONDS] [--json]
         Issues a personal access token for a user (no application), for scripts and the admin API.
         The token is printed once; only its SHA-256 is stored. Without --expires-in it does not expire.
  list [--username U] [--all] [--json]
         Personal access tokens, newest first: id, user, last four characters, scopes, expiry.
         Only live ones unless --all (then revoked and expired ones too).
  revoke ID [--json]
         Revokes a token by the id that list shows; it stops working at once.

${CONFIG_HELP}`

const OPTIONS = {
  ...CONFIG_OPTIONS,
  username: { type: 'string' },
  scopes: { type: 'string' },
  'expires-in': { type: 'string' },
  all: { type: 'boolean' },
  json: { type: 'boolean' },
} as const

const iso = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000).toISOString())

export function tokenJson(t: TokenView, username: string | null) {
  return {
    id: t.id, user_id: t.userId, username, hint: t.hint, scopes: t.scopes, active: t.active,
    created_at: t.createdAt, expires_at: t.expiresAt, last_used_at: t.lastUsedAt, revoked_at: t.revokedAt,
  }
}

function tokenLine(t: TokenView, username: string | null): string {
  const state = t.revokedAt !== null ? 'revoked' : t.active ? `expires ${iso(t.expiresAt) ?? 'never'}` : 'expired'
  return `${t.id}  ${username ?? '-'}  ${t.prefix}…${t.hint}  ${t.scopes.join(' ')}  ${state}`
}

async function requireActiveUser(services: Services, username: string) {
  const user = await services.users.findByUsername(username)
  if (!user || user.disabled) throw new NotFound(`no active user named ${username}`, 'username')
  return user
}

export async function token(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  const { values, positionals } = parse(rest, OPTIONS)
  if (!command || command === '--help' || command === '-h' || values.help) return void console.log(TOKEN_HELP), 0
  const json = !!values.json
  switch (command) {
    case 'create': {
      const expiresIn = values['expires-in'] === undefined ? null : Number(values['expires-in'])
      if (expiresIn !== null && (!Number.isInteger(expiresIn) || expiresIn <= 0)) throw new UsageError('--expires-in must be a positive number of seconds')
      const scopes = splitList(requireFlag(values.scopes, 'scopes'))
      const username = requireFlag(values.username, 'username')
      return withProvider(values, async ({ services }) => {
        const user = await requireActiveUser(services, username)
        const unknown = await services.scopes.unknownNames(scopes)
        if (unknown.length) throw new Invalid(`unknown scope(s): ${unknown.join(', ')}`, 'scopes')
        const t = await services.tokens.issuePersonal(user.id, scopes, expiresIn)
        out({ token: t.token, id: t.id, username: user.username, scopes, expires_at: t.expiresAt }, json, () => `${t.token}\n(shown once; scopes: ${scopes.join(' ')})`)
        return 0
      })
    }
    case 'list':
      return withProvider(values, async ({ services }) => {
        const user = values.username === undefined ? undefined : await services.users.findByUsername(values.username)
        if (values.username !== undefined && !user) throw new NotFound(`no user named ${values.username}`, 'username')
        const tokens = await services.admin.tokens.listPersonal({ userId: user?.id, active: values.all ? undefined : true })
        const names = new Map((await services.users.list()).map((u) => [u.id, u.username]))
        const nameOf = (t: TokenView) => (t.userId === null ? null : names.get(t.userId) ?? null)
        out(tokens.map((t) => tokenJson(t, nameOf(t))), json, () => tokens.map((t) => tokenLine(t, nameOf(t))).join('\n') || 'no personal access tokens')
        return 0
      })
    case 'revoke': {
      const id = requireFlag(positionals[0], 'ID (the token id that `token list` shows)')
      return withProvider(values, async ({ services }) => {
        const t = await services.admin.tokens.revokeAsOperator(id)
        const username = t.userId === null ? null : (await services.users.findById(t.userId))?.username ?? null
        out(tokenJson(t, username), json, () => `revoked ${t.id} (${t.prefix}…${t.hint})`)
        return 0
      })
    }
    default:
      throw new UsageError(`unknown command: token ${command}`)
  }
}
