import { NewUserInput, parseOrInvalid, PasswordInput, type User } from '../services/users.ts'
import { requireFlag, UsageError } from './args.ts'
import { commandGroup, subcommand } from './command.ts'
import type { CliIO } from './io.ts'
import { readPassword } from './password.ts'

const USERNAME = { username: { type: 'string', value: 'U', help: 'the user name' } } as const
const PASSWORD_STDIN = {
  'password-stdin': { type: 'boolean', help: 'read the password from standard input (one trailing newline is dropped);\non a terminal, type it at a prompt (not shown)' },
} as const
/** Service input fields → the flags that set them. */
const FIELDS = { username: '--username', email: '--email', name: '--name', password: '--password-stdin' }

export function userJson(u: User) {
  return { id: u.id, username: u.username, email: u.email, name: u.name, admin: u.isAdmin, disabled: u.disabled, created_at: u.createdAt }
}

/** Passwords are never flags: they would be in the shell history and in `ps`. */
async function password(values: { 'password-stdin'?: boolean }, io: CliIO, username: string): Promise<string> {
  if (!values['password-stdin']) throw new UsageError('--password-stdin is required (passwords are never taken as flags)')
  return readPassword(io, `Password for ${username}`, { confirm: true })
}

export const user = commandGroup('user', {
  create: subcommand({
    usage: '--username U [--email E] [--name N] [--admin] --password-stdin [--json]',
    summary: 'creates a user; creates the database if there is none yet',
    flags: { ...USERNAME, email: { type: 'string', value: 'E', help: 'e-mail address' }, name: { type: 'string', value: 'N', help: 'display name' }, admin: { type: 'boolean', help: 'may use the GraphQL admin API' }, ...PASSWORD_STDIN },
    database: 'create',
    fields: FIELDS,
    async prepare({ values, io }) {
      const username = requireFlag(values.username, 'username')
      const input = parseOrInvalid(NewUserInput, { username, email: values.email, name: values.name, isAdmin: !!values.admin, password: await password(values, io, username) })
      return async ({ services }, print) => {
        const u = await services.users.create(input)
        print(userJson(u), () => `created user ${u.username} (${u.id})`)
      }
    },
  }),
  list: subcommand({
    usage: '[--json]',
    summary: 'lists every user',
    flags: {},
    database: 'existing',
    prepare: () => async ({ services }, print) => {
      const users = await services.users.list()
      print(users.map(userJson), () => users.map((u) => `${u.id}  ${u.username}${u.isAdmin ? '  admin' : ''}${u.disabled ? '  disabled' : ''}`).join('\n') || 'no users')
    },
  }),
  'set-password': subcommand({
    usage: '--username U --password-stdin [--json]',
    summary: "replaces a user's password and ends their sessions",
    flags: { ...USERNAME, ...PASSWORD_STDIN },
    database: 'existing',
    fields: FIELDS,
    async prepare({ values, io }) {
      const username = requireFlag(values.username, 'username')
      const secret = parseOrInvalid(PasswordInput, await password(values, io, username), 'password')
      return async ({ services }, print) => {
        const u = await services.users.setPassword(username, secret)
        print(userJson(u), () => `password set for ${u.username}`)
      }
    },
  }),
  disable: subcommand({
    usage: '--username U [--json]',
    summary: "ends the user's sessions and revokes their tokens",
    flags: USERNAME,
    database: 'existing',
    fields: FIELDS,
    prepare({ values }) {
      const username = requireFlag(values.username, 'username')
      return async ({ services }, print) => {
        const u = await services.users.disable(username)
        print(userJson(u), () => `disabled ${u.username}`)
      }
    },
  }),
})
