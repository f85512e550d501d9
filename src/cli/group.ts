/**
 * @module
 * `latchkey group …`: groups of users, whose names the `groups` scope releases in the `groups` claim
 * (issue 16). A group is named by NAME, in any case; members by --username.
 */
import type { Provider } from '../provider.ts'
import { GroupDescription, GroupName, NewGroupInput, type Group } from '../services/groups/groups.ts'
import { NotFound, parseOrInvalid } from '../services/shared/errors.ts'
import type { User } from '../services/users/users.ts'
import { requireFlag, UsageError } from './args.ts'
import { commandGroup, type Print, subcommand } from './command.ts'
import { userJson } from './user.ts'

/** Service input fields → the flags (or argument) that set them. */
const FIELDS = {
  name: 'NAME',
  group: 'NAME',
  id: 'NAME',
  newName: '--to',
  description: '--description',
  username: '--username',
  user: '--username',
}

const NAME_HELP =
  'Group names: letters, digits, ".", "_" and "-", starting with a letter or digit, at most 64; unique in any\n' +
  'case. A token granted the groups scope carries the names of its user\'s groups in the "groups" claim.'

const NAME_FLAG = { name: { type: 'string', value: 'NAME', help: 'the group (or give it as NAME)' } } as const
const USERNAME_FLAG = { username: { type: 'string', value: 'U', help: 'the user (matched in any case)' } } as const
const DESCRIPTION_FLAG = {
  description: { type: 'string', value: 'D', help: 'what the group is for (shown to administrators)' },
} as const

/** Rows per query when a command reads a whole list. */
const PAGE = 100

export function groupJson(g: Group) {
  return { id: g.id, name: g.name, description: g.description, created_at: g.createdAt, updated_at: g.updatedAt }
}

function nameOf(positionals: string[], values: { name?: string }): string {
  if (positionals[0] !== undefined && values.name !== undefined && positionals[0] !== values.name)
    throw new UsageError('NAME and --name disagree; give the group once')
  return requireFlag(positionals[0] ?? values.name, 'name (or NAME)')
}

/** Every item of a keyset-paged list, a page at a time. */
export async function allPages<T extends { id: string }>(
  load: (w: { after?: string; limit: number; inverted: boolean }) => Promise<T[]>,
): Promise<T[]> {
  const out: T[] = []
  for (;;) {
    const page = await load({ after: out.at(-1)?.id, limit: PAGE, inverted: false })
    out.push(...page)
    if (page.length < PAGE) return out
  }
}

function describeGroup(g: Group, members?: User[]): string {
  const lines = [`name:        ${g.name}`, `id:          ${g.id}`, `description: ${g.description ?? '-'}`]
  if (members) lines.push(`members:     ${members.map((u) => u.username).join(' ') || '-'}`)
  return lines.join('\n')
}

/** A subcommand on one existing group named by NAME, with its own flags. */
function onGroup<F extends Record<string, { type: 'string' | 'boolean'; value?: string; help: string }>>(
  usage: string,
  summary: string,
  flags: F,
  act: (
    services: Provider['services'],
    name: string,
    values: { [K in keyof F]?: F[K]['type'] extends 'boolean' ? boolean : string },
    print: Print,
  ) => Promise<void>,
  check: (values: { [K in keyof F]?: F[K]['type'] extends 'boolean' ? boolean : string }) => void = () => {},
) {
  return subcommand({
    usage,
    argument: 'NAME',
    summary,
    flags: { ...NAME_FLAG, ...flags },
    database: 'existing',
    fields: FIELDS,
    prepare({ values, positionals }) {
      const name = nameOf(positionals, values as { name?: string })
      check(values as never)
      return ({ services }, print) => act(services, name, values as never, print)
    },
  })
}

function membership(verb: 'add-member' | 'remove-member') {
  const adding = verb === 'add-member'
  return onGroup(
    '--username U [--json]',
    adding
      ? 'adds a user to the group (already a member: nothing changes);\nnew tokens carry the group in their claim'
      : 'removes a user from the group (not a member: nothing changes);\n' +
          'tokens issued before keep the name in their ID token',
    USERNAME_FLAG,
    async (services, name, values, print) => {
      const username = values.username!
      const m = adding
        ? await services.groups.addMember({ name }, { username })
        : await services.groups.removeMember({ name }, { username })
      const text = adding
        ? m.changed
          ? `added ${m.user.username} to ${m.group.name}`
          : `${m.user.username} was already in ${m.group.name}`
        : m.changed
          ? `removed ${m.user.username} from ${m.group.name}`
          : `${m.user.username} was not in ${m.group.name}`
      print({ group: groupJson(m.group), user: userJson(m.user), changed: m.changed }, () => text)
    },
    (values) => void requireFlag(values.username, 'username'),
  )
}

/** The `group` subcommands; test/graphql/parity.test.ts holds each against its GraphQL twin. */
export const GROUP_SUBCOMMANDS = {
  create: subcommand({
    usage: '[--description D] [--json]',
    argument: 'NAME',
    summary: 'creates a group; creates the database if there is none yet',
    flags: { ...NAME_FLAG, ...DESCRIPTION_FLAG },
    database: 'create',
    fields: FIELDS,
    prepare({ values, positionals }) {
      const input = parseOrInvalid(NewGroupInput, {
        name: nameOf(positionals, values),
        description: values.description,
      })
      return async ({ services }, print) => {
        const g = await services.groups.create(input)
        print(groupJson(g), () => `created group ${g.name} (${g.id})`)
      }
    },
  }),
  rename: onGroup(
    '--to NEW_NAME [--json]',
    'renames the group; tokens issued before keep the old name in their ID token until renewed',
    { to: { type: 'string', value: 'NEW_NAME', help: 'the new name' } },
    async (services, name, values, print) => {
      const g = await services.groups.rename({ name }, values.to!)
      print(groupJson(g), () => `renamed ${name} to ${g.name}`)
    },
    (values) => void parseOrInvalid(GroupName, requireFlag(values.to, 'to'), 'newName'),
  ),
  describe: onGroup(
    '--description D [--json]',
    'sets the description; --description "" clears it',
    DESCRIPTION_FLAG,
    async (services, name, values, print) => {
      const g = await services.groups.describe({ name }, values.description!)
      print(groupJson(g), () => `described ${g.name}`)
    },
    (values) => {
      if (values.description === undefined) throw new UsageError('--description is required ("" clears it)')
      parseOrInvalid(GroupDescription, values.description, 'description')
    },
  ),
  delete: onGroup(
    '[--json]',
    'deletes the group and its memberships (its users stay)',
    {},
    async (services, name, _values, print) => {
      const g = await services.groups.delete({ name })
      print(groupJson(g), () => `deleted group ${g.name}`)
    },
  ),
  list: subcommand({
    usage: '[--search TEXT] [--json]',
    summary: 'lists the groups, oldest first',
    flags: { search: { type: 'string', value: 'TEXT', help: 'only names containing TEXT (in any case)' } },
    database: 'existing',
    prepare:
      ({ values }) =>
      async ({ services }, print) => {
        const groups = await allPages((w) => services.groups.list(w, { search: values.search }))
        print(
          groups.map(groupJson),
          () =>
            groups.map((g) => `${g.id}  ${g.name}${g.description ? `  ${g.description}` : ''}`).join('\n') ||
            'no groups',
        )
      },
  }),
  show: onGroup('[--json]', 'shows the group and its members', {}, async (services, name, _values, print) => {
    const g = await services.groups.find({ name })
    if (!g) throw new NotFound(`no group named ${name}`, 'name')
    const members = await allPages((w) => services.groups.members({ id: g.id }, w))
    print({ ...groupJson(g), members: members.map(userJson) }, () => describeGroup(g, members))
  }),
  'add-member': membership('add-member'),
  'remove-member': membership('remove-member'),
}

export const group = commandGroup('group', GROUP_SUBCOMMANDS, NAME_HELP)
