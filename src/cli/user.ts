import type { User } from '../services/users.ts'
import { out, parse, readStdinSecret, requireFlag, UsageError } from './args.ts'
import { CONFIG_HELP, CONFIG_OPTIONS, withProvider } from './common.ts'

export const USER_HELP = `Usage: latchkey user <command> [options]

Commands:
  create --username U [--email E] [--name N] [--admin] --password-stdin [--json]
  update --username U [--email E] [--name N] [--admin|--no-admin] [--json]
                                     changes only what is given
  list [--json]                      every user; marks administrators and disabled accounts
  set-password --username U --password-stdin   also lifts a sign-in lockout
  disable --username U [--json]      ends the user's sessions and revokes their tokens
  enable --username U [--json]       lets a disabled user sign in again (revoked tokens stay revoked)
  unlock --username U [--json]       lifts the lockout after 10 failed sign-ins in 15 minutes
  delete --username U [--json]       deletes the account: its sessions, tokens, codes and grants
                                     end with it; applications it owned stay, without an owner;
                                     audit events are kept (user.deleted records the username)

The password is read from standard input (one trailing newline is dropped).
Usernames and e-mail addresses are unique regardless of case; --username matches in any case.

${CONFIG_HELP}`

/** The settings `user create` takes; test/graphql/parity.test.ts holds them against CreateUserInput. */
export const CREATE_OPTIONS = {
  username: { type: 'string' },
  email: { type: 'string' },
  name: { type: 'string' },
  admin: { type: 'boolean' },
  'password-stdin': { type: 'boolean' },
} as const

/** The settings `user update` changes (--username picks the user); held against UpdateUserInput. */
export const UPDATE_OPTIONS = {
  email: { type: 'string' },
  name: { type: 'string' },
  admin: { type: 'boolean' },
  'no-admin': { type: 'boolean' },
} as const

const OPTIONS = { ...CONFIG_OPTIONS, ...CREATE_OPTIONS, ...UPDATE_OPTIONS, json: { type: 'boolean' } } as const

/** The patch `user update` sends: only the flags given (`values.admin === false` is --no-admin under allowNegative). */
function updatePatch(values: { email?: string; name?: string; admin?: boolean; 'no-admin'?: boolean }) {
  const on = values.admin === true
  const off = values.admin === false || values['no-admin'] === true
  if (on && off) throw new UsageError('--admin and --no-admin contradict each other')
  const patch = { email: values.email, name: values.name, isAdmin: on ? true : off ? false : undefined }
  const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
  if (Object.keys(given).length === 0) throw new UsageError('user update: nothing to change (see latchkey user --help)')
  return given
}

/** The one-user lifecycle commands: service method and what the text output says. */
const LIFECYCLE = {
  disable: { run: 'disable', done: 'disabled' },
  enable: { run: 'enable', done: 'enabled' },
  unlock: { run: 'clearLockout', done: 'lifted the sign-in lockout of' },
  delete: { run: 'delete', done: 'deleted' },
} as const

export function userJson(u: User) {
  return { id: u.id, username: u.username, email: u.email, name: u.name, admin: u.isAdmin, disabled: u.disabled, created_at: u.createdAt }
}

export async function user(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  const { values } = parse(rest, OPTIONS)
  if (!command || command === '--help' || command === '-h' || values.help) return void console.log(USER_HELP), 0
  const json = !!values.json
  const patch = command === 'update' ? (requireFlag(values.username, 'username'), updatePatch(values)) : undefined // usage errors before the database opens
  return withProvider(values, async ({ services }) => {
    switch (command) {
      case 'update': {
        const u = await services.users.update(requireFlag(values.username, 'username'), patch!)
        out(userJson(u), json, () => `updated ${u.username}`)
        return 0
      }
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
      case 'disable':
      case 'enable':
      case 'unlock':
      case 'delete': {
        const { run, done } = LIFECYCLE[command]
        const u = await services.users[run](requireFlag(values.username, 'username'))
        out(userJson(u), json, () => `${done} ${u.username}`)
        return 0
      }
      case 'set-password': {
        if (!values['password-stdin']) throw new UsageError('--password-stdin is required')
        const u = await services.users.setPassword(requireFlag(values.username, 'username'), await readStdinSecret())
        out(userJson(u), json, () => `password set for ${u.username}`)
        return 0
      }
      default:
        throw new UsageError(`unknown command: user ${command}`)
    }
  })
}
