import type { Scope } from '../services/scopes.ts'
import { PRESETS, type PresetName } from '../services/scope-presets.ts'
import { splitList } from '../services/lists.ts'
import { out, parse, requireFlag, UsageError } from './args.ts'
import { CONFIG_HELP, CONFIG_OPTIONS, withProvider } from './common.ts'

export const SCOPE_HELP = `Usage: latchkey scope <command> [options]

Commands:
  create --name N --description D [--implies "child1 child2"] [--default] [--json]
  list [--json]
  delete NAME                     built-in scopes and scopes implied by others cannot be deleted
  import --preset gitea|gitlab [--json]
         creates a forge's scope vocabulary (Gitea's hierarchy: admin:org ⊃ write:org ⊃ read:org …;
         GitLab's read_api, read_repository, write_repository, read_registry, sudo …)

Granting a scope grants every scope it implies.

${CONFIG_HELP}`

const OPTIONS = {
  ...CONFIG_OPTIONS,
  name: { type: 'string' },
  description: { type: 'string' },
  implies: { type: 'string' },
  default: { type: 'boolean' },
  preset: { type: 'string' },
  json: { type: 'boolean' },
} as const

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
        if (!(preset in PRESETS)) throw new UsageError(`unknown preset ${preset}; use gitea or gitlab`)
        const result = await services.scopes.importPreset(preset as PresetName)
        out(result, json, () => `created ${result.created.length} scope(s)${result.skipped.length ? `, ${result.skipped.length} already existed` : ''}`)
        return 0
      }
      default:
        throw new UsageError(`unknown command: scope ${command}`)
    }
  })
}
