import { PRESET_NAMES, PRESET_SUMMARY, type PresetName } from '../services/scope-presets.ts'
import { PresetWouldWiden, type PresetImport, type Scope } from '../services/scopes.ts'
import { splitList } from '../services/lists.ts'
import { out, parse, requireFlag, UsageError } from './args.ts'
import { CONFIG_HELP, CONFIG_OPTIONS, withProvider } from './common.ts'

export const SCOPE_HELP = `Usage: latchkey scope <command> [options]

Commands:
  create --name N --description D [--implies "child1 child2"] [--default] [--json]
  list [--json]
  delete NAME                     built-in scopes and scopes implied by others cannot be deleted
  import --preset NAME [--force] [--json]
         creates a forge's scope vocabulary in one step; existing scopes keep their description.
${PRESET_NAMES.map((n) => `           ${n.padEnd(13)} ${PRESET_SUMMARY[n]}`).join('\n')}
         A preset that would give an existing scope more children (gitlab widens the built-in api)
         lists each change and imports nothing unless --force is given.

Granting a scope grants every scope it implies.

${CONFIG_HELP}`

const OPTIONS = {
  ...CONFIG_OPTIONS,
  name: { type: 'string' },
  description: { type: 'string' },
  implies: { type: 'string' },
  default: { type: 'boolean' },
  preset: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
} as const

function importSummary(r: PresetImport): string {
  const lines = [`created ${r.created.length} scope(s)${r.skipped.length ? `, ${r.skipped.length} already existed` : ''}`]
  for (const w of r.widened) lines.push(`widened ${w.name}: now also implies ${w.added.join(' ')}`)
  return lines.join('\n')
}

const scopeJson = (s: Scope) => ({ name: s.name, description: s.description, implies: s.implies, default: s.isDefault })

export async function scope(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  const { values, positionals } = parse(rest, OPTIONS)
  if (!command || command === '--help' || command === '-h' || values.help) return void console.log(SCOPE_HELP), 0
  const json = !!values.json
  return withProvider(values, async ({ services }) => {
    switch (command) {
      case 'create': {
        const s = await services.scopes.create({ name: requireFlag(values.name, 'name'), description: requireFlag(values.description, 'description'), implies: splitList(values.implies), isDefault: !!values.default })
        out(scopeJson(s), json, () => `created scope ${s.name}`)
        return 0
      }
      case 'list': {
        const all = await services.scopes.all()
        out(all.map(scopeJson), json, () => all.map((s) => `${s.name.padEnd(20)} ${s.description}${s.implies.length ? `  (implies ${s.implies.join(' ')})` : ''}`).join('\n'))
        return 0
      }
      case 'delete': {
        const name = requireFlag(positionals[0] ?? values.name, 'name (or NAME)')
        await services.scopes.delete(name)
        out({ deleted: name }, json, () => `deleted scope ${name}`)
        return 0
      }
      case 'import': {
        const preset = requireFlag(values.preset, 'preset')
        if (!(PRESET_NAMES as readonly string[]).includes(preset)) throw new UsageError(`unknown preset ${preset}; use one of ${PRESET_NAMES.join(', ')}`)
        try {
          const result = await services.scopes.importPreset(preset as PresetName, { force: !!values.force })
          out(result, json, () => importSummary(result))
          return 0
        } catch (error) {
          if (!(error instanceof PresetWouldWiden)) throw error
          console.error(`latchkey: importing preset ${preset} would widen existing scopes, and every token, consent and application holding them:`)
          for (const w of error.widened) console.error(`  ${w.name} would also imply ${w.added.join(' ')}`)
          console.error('Nothing was imported. Run again with --force to accept these changes.')
          return 1
        }
      }
      default:
        throw new UsageError(`unknown command: scope ${command}`)
    }
  })
}
