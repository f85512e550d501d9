import { Conflict, parseOrInvalid } from '../services/shared/errors.ts'
import { PresetWouldWiden, ScopeInput, ScopePatch, type PresetImport, type Scope } from '../services/scopes/scopes.ts'
import { PRESET_NAMES, PRESET_SUMMARY, type PresetName } from '../services/scopes/presets.ts'
import { splitList } from '../services/shared/lists.ts'
import { requireFlag, UsageError } from './args.ts'
import { commandGroup, subcommand } from './command.ts'

const FIELDS = {
  name: '--name',
  description: '--description',
  implies: '--implies',
  isDefault: '--default',
  selfRegistration: '--self-registration',
}
const SELF_REGISTRATION_HELP = 'clients registering themselves under --registration-policy open may ask for it'

function importSummary(r: PresetImport): string {
  const lines = [
    `created ${r.created.length} scope(s)${r.skipped.length ? `, ${r.skipped.length} already existed` : ''}`,
  ]
  for (const w of r.widened) lines.push(`widened ${w.name}: now also implies ${w.added.join(' ')}`)
  return lines.join('\n')
}

const scopeJson = (s: Scope) => ({
  name: s.name,
  description: s.description,
  implies: s.implies,
  default: s.isDefault,
  self_registration: s.selfRegistration,
})

/** The `scope` subcommands; test/graphql/parity.test.ts holds each against its GraphQL twin. */
export const SCOPE_SUBCOMMANDS = {
  create: subcommand({
    usage: '--name N --description D [--implies "child1 child2"] [--default] [--self-registration] [--json]',
    summary: 'creates a scope; creates the database if there is none yet',
    flags: {
      name: { type: 'string', value: 'N', help: 'the scope name (printable ASCII, no spaces)' },
      description: { type: 'string', value: 'D', help: 'what the consent page says it allows' },
      implies: { type: 'string', value: '"A B"', help: 'scopes granted with it' },
      default: { type: 'boolean', help: 'granted when a request names no scope' },
      'self-registration': { type: 'boolean', help: SELF_REGISTRATION_HELP },
    },
    database: 'create',
    fields: FIELDS,
    prepare({ values }) {
      const input = parseOrInvalid(ScopeInput, {
        name: requireFlag(values.name, 'name'),
        description: requireFlag(values.description, 'description'),
        implies: splitList(values.implies),
        isDefault: !!values.default,
        selfRegistration: !!values['self-registration'],
      })
      return async ({ services }, print) => {
        const s = await services.scopes.create(input)
        print(scopeJson(s), () => `created scope ${s.name}`)
      }
    },
  }),
  update: subcommand({
    usage:
      '[--description D] [--implies "child1 child2"] [--default|--no-default]\n' +
      '         [--self-registration|--no-self-registration] [--json]',
    argument: 'NAME',
    summary:
      'changes only what is given; --implies replaces the whole list (tokens holding the scope gain or lose with it)',
    flags: {
      name: { type: 'string', value: 'N', help: 'the scope (or give it as NAME)' },
      description: { type: 'string', value: 'D', help: 'what the consent page says it allows' },
      implies: { type: 'string', value: '"A B"', help: 'scopes granted with it ("" for none)' },
      default: { type: 'boolean', help: 'granted when a request names no scope' },
      'no-default': { type: 'boolean', help: 'no longer granted by default' },
      'self-registration': { type: 'boolean', help: SELF_REGISTRATION_HELP },
      'no-self-registration': { type: 'boolean', help: 'self-registered clients may no longer be given it' },
    },
    database: 'existing',
    fields: { ...FIELDS, name: 'NAME' },
    prepare({ values, positionals }) {
      const name = requireFlag(positionals[0] ?? values.name, 'name (or NAME)')
      if (values.default && values['no-default'])
        throw new UsageError('--default and --no-default contradict each other')
      const patch = {
        description: values.description,
        implies: values.implies === undefined ? undefined : splitList(values.implies),
        isDefault: values.default ? true : values['no-default'] ? false : undefined,
        selfRegistration: values['self-registration'] ? true : values['no-self-registration'] ? false : undefined,
      }
      if (values['self-registration'] && values['no-self-registration'])
        throw new UsageError('--self-registration and --no-self-registration contradict each other')
      const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
      if (Object.keys(given).length === 0)
        throw new UsageError('scope update: nothing to change (see latchkey scope update --help)')
      const checked = parseOrInvalid(ScopePatch, given)
      return async ({ services }, print) => {
        const s = await services.scopes.update(name, checked)
        print(scopeJson(s), () => `updated scope ${s.name}`)
      }
    },
  }),
  list: subcommand({
    usage: '[--json]',
    summary: 'lists every scope and what it implies',
    flags: {},
    database: 'existing',
    prepare:
      () =>
      async ({ services }, print) => {
        const all = await services.scopes.all()
        print(all.map(scopeJson), () =>
          all
            .map(
              (s) =>
                `${s.name.padEnd(20)} ${s.description}${s.implies.length ? `  (implies ${s.implies.join(' ')})` : ''}`,
            )
            .join('\n'),
        )
      },
  }),
  delete: subcommand({
    usage: '[--json]',
    argument: 'NAME',
    summary: 'built-in scopes and scopes implied by others cannot be deleted',
    flags: { name: { type: 'string', value: 'N', help: 'the scope (or give it as NAME)' } },
    database: 'existing',
    fields: { name: 'NAME' },
    prepare({ values, positionals }) {
      const name = requireFlag(positionals[0] ?? values.name, 'name (or NAME)')
      return async ({ services }, print) => {
        await services.scopes.delete(name)
        print({ deleted: name }, () => `deleted scope ${name}`)
      }
    },
  }),
  import: subcommand({
    usage: '--preset NAME [--force] [--json]',
    summary: `creates a forge's scope vocabulary in one step; existing scopes keep their description.
${PRESET_NAMES.map((n) => `     ${n.padEnd(13)} ${PRESET_SUMMARY[n]}`).join('\n')}
A preset that would give an existing scope more children (gitlab widens the built-in api)
lists each change and imports nothing unless --force is given.`,
    flags: {
      preset: { type: 'string', value: 'NAME', help: `one of: ${PRESET_NAMES.join(', ')}` },
      force: { type: 'boolean', help: 'accept a preset that widens existing scopes' },
    },
    database: 'create',
    prepare({ values, io }) {
      const preset = requireFlag(values.preset, 'preset')
      if (!(PRESET_NAMES as readonly string[]).includes(preset))
        throw new UsageError(`unknown preset ${preset}; use one of ${PRESET_NAMES.join(', ')}`)
      return async ({ services }, print) => {
        try {
          const result = await services.scopes.importPreset(preset as PresetName, { force: !!values.force })
          print(result, () => importSummary(result))
        } catch (error) {
          if (!(error instanceof PresetWouldWiden)) throw error
          io.stderr.write(
            `latchkey: importing preset ${preset} would widen existing scopes, ` +
              'and every token, consent and application holding them:\n',
          )
          for (const w of error.widened) io.stderr.write(`  ${w.name} would also imply ${w.added.join(' ')}\n`)
          throw new Conflict('nothing was imported; run again with --force to accept these changes')
        }
      }
    },
  }),
}

export const scope = commandGroup('scope', SCOPE_SUBCOMMANDS, 'Granting a scope grants every scope it implies.')
