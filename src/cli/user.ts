import type { User } from '../services/users.ts'
import { out, parse, readStdinSecret, requireFlag, UsageError } from './args.ts'
import { CONFIG_HELP, CONFIG_OPTIONS, withProvider } from './common.ts'

export const USER_HELP = `Usage: latchkey user <command> [options]

Commands:
  create --username U [--email E] [--name N] [--admin] --password-stdin [--json]
  list [--json]
  set-password --username U --password-stdin
  disable --username U [--json]      ends the user's sessions and revokes their tokens

The password is read from standard input (one trailing newline is dropped).

${CONFIG_HELP}`

const OPTIONS = {
  ...CONFIG_OPTIONS,
  username: { type: 'string' },
  email: { type: 'string' },
  name: { type: 'string' },
  admin: { type: 'boolean' },
  'password-stdin': { type: 'boolean' },
  json: { type: 'boolean' },
} as const

export function userJson(u: User) {
  return { id: u.id, username: u.username, email: u.email, name: u.name, admin: u.isAdmin, disabled: u.disabled, created_at: u.createdAt }
}

export async function user(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  const { values } = parse(rest, OPTIONS)
  if (!command || command === '--help' || command === '-h' || values.help) return void console.log(USER_HELP), 0
  const json = !!values.json
  return withProvider(values, async ({ services }) => {
    switch (command) {
      case 'create': {
        if (!values['password-stdin']) throw new UsageError('--password-stdin is required (passwords are never taken as flags)')
        const password = await readStdinSecret()
        const u = await services.users.create({ username: requireFlag(values.username, 'username'), email: values.email, name: values.name, isAdmin: !!values.admin, password })
        out(userJson(u), json, () => `created user ${u.username} (${u.id})`)
        return 0
      }
      case 'list': {
        const users = await services.users.list()
        out(users.map(userJson), json, () => users.map((u) => `${u.id}  ${u.username}${u.isAdmin ? '  admin' : ''}${u.disabled ? '  disabled' : ''}`).join('\n') || 'no users')
        return 0
      }
      case 'set-password': {
        if (!values['password-stdin']) throw new UsageError('--password-stdin is required')
        const u = await services.users.setPassword(requireFlag(values.username, 'username'), await readStdinSecret())
        out(userJson(u), json, () => `password set for ${u.username}`)
        return 0
      }
      case 'disable': {
        const u = await services.users.disable(requireFlag(values.username, 'username'))
        out(userJson(u), json, () => `disabled ${u.username}`)
        return 0
      }
      default:
        throw new UsageError(`unknown command: user ${command}`)
    }
  })
}
