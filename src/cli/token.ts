import { splitList } from '../services/lists.ts'
import { NotFound, Invalid } from '../services/errors.ts'
import { requireFlag, UsageError } from './args.ts'
import { commandGroup, subcommand } from './command.ts'

export const token = commandGroup('token', {
  create: subcommand({
    usage: '--username U --scopes "..." [--expires-in SECONDS] [--json]',
    summary:
      'issues a personal access token for a user (no application), for scripts and the admin API.\nThe token is printed once; only its SHA-256 is stored. Without --expires-in it does not expire.',
    flags: {
      username: { type: 'string', value: 'U', help: 'the user it acts for' },
      scopes: { type: 'string', value: '"A B"', help: 'what it may do' },
      'expires-in': { type: 'string', value: 'S', help: 'lifetime in seconds (default: never expires)' },
    },
    database: 'existing',
    fields: { username: '--username', scopes: '--scopes', expiresIn: '--expires-in' },
    prepare({ values }) {
      const username = requireFlag(values.username, 'username')
      const scopes = splitList(requireFlag(values.scopes, 'scopes'))
      const expiresIn = values['expires-in'] === undefined ? null : Number(values['expires-in'])
      if (expiresIn !== null && (!Number.isInteger(expiresIn) || expiresIn <= 0)) throw new UsageError('--expires-in must be a positive number of seconds')
      return async ({ services }, print) => {
        const user = await services.users.findByUsername(username)
        if (!user || user.disabled) throw new NotFound(`no active user named ${username}`, 'username')
        const unknown = await services.scopes.unknownNames(scopes)
        if (unknown.length) throw new Invalid(`unknown scope(s): ${unknown.join(', ')}`, 'scopes')
        const t = await services.tokens.issuePersonal(user.id, scopes, expiresIn)
        print({ token: t.token, id: t.id, username, scopes, expires_at: t.expiresAt }, () => `${t.token}\n(shown once; scopes: ${scopes.join(' ')})`)
      }
    },
  }),
})
