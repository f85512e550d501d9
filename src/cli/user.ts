import { NewUserInput, PasswordInput, UserPatch, type User } from '../services/users/users.ts'
import { NotFound, parseOrInvalid } from '../services/shared/errors.ts'
import { requireFlag, UsageError, type Flags, type Values } from './args.ts'
import { commandGroup, subcommand, type Subcommand } from './command.ts'
import type { CliIO } from './io.ts'
import { readPassword } from './password.ts'

const USERNAME = { username: { type: 'string', value: 'U', help: 'the user name (matched in any case)' } } as const
const PASSWORD_STDIN = {
  'password-stdin': {
    type: 'boolean',
    help:
      'read the password from standard input (one trailing newline is dropped);\n' +
      'on a terminal, type it at a prompt (not shown)',
  },
} as const
/** Service input fields → the flags that set them. */
const FIELDS = {
  username: '--username',
  email: '--email',
  name: '--name',
  isAdmin: '--admin',
  emailVerified: '--email-verified',
  password: '--password-stdin',
}

/** The flags `user create` takes; test/graphql/parity.test.ts holds them against CreateUserInput. */
export const CREATE_FLAGS = {
  ...USERNAME,
  email: { type: 'string', value: 'E', help: 'e-mail address (unique regardless of case)' },
  name: { type: 'string', value: 'N', help: 'display name' },
  admin: { type: 'boolean', help: 'may use the GraphQL admin API' },
  'email-verified': {
    type: 'boolean',
    help:
      'you vouch for the e-mail address: the email_verified claim says true\n' +
      '(forges link accounts only by a verified address)',
  },
  ...PASSWORD_STDIN,
  'no-password': {
    type: 'boolean',
    help:
      'an account without a password (an invitation): nobody can sign in to it until its user\n' +
      'sets one through the link `latchkey user reset-link` prints',
  },
} as const satisfies Flags

/** The settings `user update` changes (--username picks the user); held against UpdateUserInput. */
export const UPDATE_FLAGS = {
  email: CREATE_FLAGS.email,
  name: CREATE_FLAGS.name,
  admin: { type: 'boolean', help: 'makes the user an administrator' },
  'no-admin': { type: 'boolean', help: 'takes administration away' },
  'email-verified': {
    type: 'boolean',
    help: 'marks the e-mail address verified; a new --email is unverified unless this is given too',
  },
  'no-email-verified': { type: 'boolean', help: 'marks the e-mail address unverified again' },
} as const satisfies Flags

export function userJson(u: User) {
  return {
    id: u.id,
    number: u.number,
    username: u.username,
    email: u.email,
    email_verified: u.emailVerified,
    name: u.name,
    admin: u.isAdmin,
    disabled: u.disabled,
    created_at: u.createdAt,
  }
}

function describeUser(u: User, groups: string[]): string {
  return [
    `username: ${u.username}`,
    `id:       ${u.id}`,
    `email:    ${u.email ?? '-'}${u.email ? (u.emailVerified ? ' (verified)' : ' (unverified)') : ''}`,
    `name:     ${u.name ?? '-'}`,
    `standing: ${[u.isAdmin ? 'administrator' : 'user', ...(u.disabled ? ['disabled'] : [])].join(', ')}`,
    `groups:   ${groups.join(' ') || '-'}`,
  ].join('\n')
}

/** Passwords are never flags: they would be in the shell history and in `ps`. */
async function password(values: { 'password-stdin'?: boolean }, io: CliIO, username: string): Promise<string> {
  if (!values['password-stdin'])
    throw new UsageError(
      '--password-stdin is required (passwords are never taken as flags); --no-password makes an invitation',
    )
  return readPassword(io, `Password for ${username}`, { confirm: true })
}

/** The patch `user update` sends: only the flags given, checked by the service's rule before the database opens. */
function updatePatch(values: Values<typeof UPDATE_FLAGS>) {
  if (values.admin && values['no-admin']) throw new UsageError('--admin and --no-admin contradict each other')
  const isAdmin = values.admin ? true : values['no-admin'] ? false : undefined
  if (values['email-verified'] && values['no-email-verified'])
    throw new UsageError('--email-verified and --no-email-verified contradict each other')
  const emailVerified = values['email-verified'] ? true : values['no-email-verified'] ? false : undefined
  const patch = { email: values.email, name: values.name, isAdmin, emailVerified }
  const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
  if (Object.keys(given).length === 0)
    throw new UsageError('user update: nothing to change (see latchkey user update --help)')
  return parseOrInvalid(UserPatch, given)
}

type Lifecycle = 'disable' | 'enable' | 'clearLockout' | 'delete'

/** A command that changes one user's standing: the service method and what the text output says. */
function lifecycle(run: Lifecycle, done: string, summary: string): Subcommand {
  return subcommand({
    usage: '--username U [--json]',
    summary,
    flags: USERNAME,
    database: 'existing',
    fields: FIELDS,
    prepare({ values }) {
      const username = requireFlag(values.username, 'username')
      return async ({ services }, print) => {
        const u = await services.users[run](username)
        print(userJson(u), () => `${done} ${u.username}`)
      }
    },
  })
}

/** The `user` subcommands; test/graphql/parity.test.ts holds each against its GraphQL twin. */
export const USER_SUBCOMMANDS = {
  create: subcommand({
    usage: '--username U [--email E [--email-verified]] [--name N] [--admin] (--password-stdin|--no-password) [--json]',
    summary:
      'creates a user; creates the database if there is none yet.\n' +
      'With --no-password, invite them: `latchkey user reset-link --username U` prints their link',
    flags: CREATE_FLAGS,
    database: 'create',
    fields: FIELDS,
    async prepare({ values, io }) {
      const username = requireFlag(values.username, 'username')
      if (values['no-password'] && values['password-stdin'])
        throw new UsageError('--password-stdin and --no-password contradict each other')
      const input = parseOrInvalid(NewUserInput, {
        username,
        email: values.email,
        name: values.name,
        isAdmin: !!values.admin,
        emailVerified: !!values['email-verified'],
        password: values['no-password'] ? null : await password(values, io, username),
      })
      return async ({ services }, print) => {
        const u = await services.users.create(input)
        print(userJson(u), () => `created user ${u.username} (${u.id})`)
      }
    },
  }),
  update: subcommand({
    usage: '--username U [--email E] [--email-verified|--no-email-verified] [--name N] [--admin|--no-admin] [--json]',
    summary: 'changes only what is given',
    flags: { ...USERNAME, ...UPDATE_FLAGS },
    database: 'existing',
    fields: FIELDS,
    prepare({ values }) {
      const username = requireFlag(values.username, 'username')
      const patch = updatePatch(values)
      return async ({ services }, print) => {
        const u = await services.users.update(username, patch)
        print(userJson(u), () => `updated ${u.username}`)
      }
    },
  }),
  list: subcommand({
    usage: '[--json]',
    summary: 'lists every user; marks administrators and disabled accounts',
    flags: {},
    database: 'existing',
    prepare:
      () =>
      async ({ services }, print) => {
        const users = await services.users.list()
        print(
          users.map(userJson),
          () =>
            users
              .map((u) => `${u.id}  ${u.username}${u.isAdmin ? '  admin' : ''}${u.disabled ? '  disabled' : ''}`)
              .join('\n') || 'no users',
        )
      },
  }),
  show: subcommand({
    usage: '--username U [--json]',
    summary: 'shows one user and the groups they belong to (what the groups claim carries)',
    flags: USERNAME,
    database: 'existing',
    fields: FIELDS,
    prepare({ values }) {
      const username = requireFlag(values.username, 'username')
      return async ({ services }, print) => {
        const u = await services.users.findByUsername(username)
        if (!u) throw new NotFound(`no user named ${username}`, 'username')
        const groups = await services.groups.namesForUser(u.id)
        print({ ...userJson(u), groups }, () => describeUser(u, groups))
      }
    },
  }),
  'set-password': subcommand({
    usage: '--username U --password-stdin [--json]',
    summary: "replaces a user's password, ends their sessions and lifts a sign-in lockout",
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
  'reset-link': subcommand({
    usage: '--username U [--json]',
    summary:
      'prints a one-time link (valid 24 hours) where the user sets a new password: their sessions end\n' +
      'and a sign-in lockout is lifted. A new link ends the previous one. For a user created with\n' +
      '--no-password it is their invitation. Links start with --issuer / LATCHKEY_ISSUER.',
    flags: USERNAME,
    database: 'existing',
    fields: FIELDS,
    prepare({ values }) {
      const username = requireFlag(values.username, 'username')
      return async ({ services }, print) => {
        const u = await services.users.findByUsername(username)
        if (!u) throw new NotFound(`no user named ${username}`, 'username')
        const link = await services.links.makeReset(u.id)
        print(
          { username: u.username, url: link.url, expires_at: link.expiresAt },
          () => `${link.url}\n(for ${u.username}; works once, until ${new Date(link.expiresAt * 1000).toISOString()})`,
        )
      }
    },
  }),
  disable: lifecycle('disable', 'disabled', "ends the user's sessions and revokes their tokens"),
  enable: lifecycle('enable', 'enabled', 'lets a disabled user sign in again (revoked tokens stay revoked)'),
  unlock: lifecycle(
    'clearLockout',
    'lifted the sign-in lockout of',
    'lifts the lockout after 10 failed sign-ins in 15 minutes',
  ),
  delete: lifecycle(
    'delete',
    'deleted',

    'deletes the account: its sessions, tokens, codes and grants end with it;\n' +
      'applications it owned stay, without an owner; audit events are kept (user.deleted records the username)',
  ),
}

export const user = commandGroup('user', USER_SUBCOMMANDS)
