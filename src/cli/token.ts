import { splitList } from '../services/lists.ts'
import { NotFound, Invalid } from '../services/errors.ts'
import { out, parse, requireFlag, UsageError } from './args.ts'
import { CONFIG_HELP, CONFIG_OPTIONS, withProvider } from './common.ts'

export const TOKEN_HELP = `Usage: latchkey token create --username U --scopes "..." [--expires-in SECONDS] [--json]

Issues a personal access token for a user (no application), for scripts and the admin API.
The token is printed once; only its SHA-256 is stored. Without --expires-in it does not expire.

${CONFIG_HELP}`

const OPTIONS = { ...CONFIG_OPTIONS, username: { type: 'string' }, scopes: { type: 'string' }, 'expires-in': { type: 'string' }, json: { type: 'boolean' } } as const

export async function token(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  const { values } = parse(rest, OPTIONS)
  if (!command || command === '--help' || command === '-h' || values.help) return void console.log(TOKEN_HELP), 0
  if (command !== 'create') throw new UsageError(`unknown command: token ${command}`)
  const expiresIn = values['expires-in'] === undefined ? null : Number(values['expires-in'])
  if (expiresIn !== null && (!Number.isInteger(expiresIn) || expiresIn <= 0)) throw new UsageError('--expires-in must be a positive number of seconds')
  const scopes = splitList(requireFlag(values.scopes, 'scopes'))
  return withProvider(values, async ({ services }) => {
    const username = requireFlag(values.username, 'username')
    const user = await services.users.findByUsername(username)
    if (!user || user.disabled) throw new NotFound(`no active user named ${username}`, 'username')
    const unknown = await services.scopes.unknownNames(scopes)
    if (unknown.length) throw new Invalid(`unknown scope(s): ${unknown.join(', ')}`, 'scopes')
    const t = await services.tokens.issuePersonal(user.id, scopes, expiresIn)
    out({ token: t.token, id: t.id, username, scopes, expires_at: t.expiresAt }, !!values.json, () => `${t.token}\n(shown once; scopes: ${scopes.join(' ')})`)
    return 0
  })
}
