import { parseOrInvalid } from '../services/users.ts'
import { ScopeInput, type Scope } from '../services/scopes.ts'
import { PRESETS, type PresetName } from '../services/scope-presets.ts'
import { splitList } from '../services/lists.ts'
import { requireFlag, UsageError } from './args.ts'
import { commandGroup, subcommand } from './command.ts'

const FIELDS = { name: '--name', description: '--description', implies: '--implies', isDefault: '--default' }

const scopeJson = (s: Scope) => ({ name: s.name, description: s.description, implies: s.implies, default: s.isDefault })

export const scope = commandGroup(
  'scope',
  {
    create: subcommand({
      usage: '--name N --description D [--implies "child1 child2"] [--default] [--json]',
      summary: 'creates a scope; creates the database if there is none yet',
      flags: {
        name: { type: 'string', value: 'N', help: 'the scope name (printable ASCII, no spaces)' },
        description: { type: 'string', value: 'D', help: 'what the consent page says it allows' },
        implies: { type: 'string', value: '"A B"', help: 'scopes granted with it' },
        default: { type: 'boolean', help: 'granted when a request names no scope' },
      },
      database: 'create',
      fields: FIELDS,
      prepare({ values }) {
        const input = parseOrInvalid(ScopeInput, { name: requireFlag(values.name, 'name'), description: requireFlag(values.description, 'description'), implies: splitList(values.implies), isDefault: !!values.default })
        return async ({ services }, print) => {
          const s = await services.scopes.create(input)
          print(scopeJson(s), () => `created scope ${s.name}`)
        }
      },
    }),
    list: subcommand({
      usage: '[--json]',
      summary: 'lists every scope and what it implies',
      flags: {},
      database: 'existing',
      prepare: () => async ({ services }, print) => {
        const all = await services.scopes.all()
        print(all.map(scopeJson), () => all.map((s) => `${s.name.padEnd(20)} ${s.description}${s.implies.length ? `  (implies ${s.implies.join(' ')})` : ''}`).join('\n'))
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
      usage: '--preset gitea|gitlab [--json]',
      summary: "creates a forge's scope vocabulary (Gitea's hierarchy: admin:org ⊃ write:org ⊃ read:org …;\nGitLab's read_api, read_repository, write_repository, read_registry, sudo …)",
      flags: { preset: { type: 'string', value: 'P', help: `one of: ${Object.keys(PRESETS).join(', ')}` } },
      database: 'create',
      prepare({ values }) {
        const preset = requireFlag(values.preset, 'preset')
        if (!Object.hasOwn(PRESETS, preset)) throw new UsageError(`unknown preset ${preset}; use one of: ${Object.keys(PRESETS).join(', ')}`)
        return async ({ services }, print) => {
          const result = await services.scopes.importPreset(preset as PresetName)
          print(result, () => `created ${result.created.length} scope(s)${result.skipped.length ? `, ${result.skipped.length} already existed` : ''}`)
        }
      },
    }),
  },
  'Granting a scope grants every scope it implies.',
)
