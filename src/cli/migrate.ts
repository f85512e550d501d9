import { migrateToLatest } from '../store/migrate.ts'
import { openStore } from '../store/open.ts'
import { out, parse } from './args.ts'
import { CONFIG_HELP, CONFIG_OPTIONS, configFrom } from './common.ts'

export const MIGRATE_HELP = `Usage: latchkey migrate [--db FILE | --database-url URL] [--json]

Brings the database schema up to date. \`latchkey serve\` does this on start as well.

${CONFIG_HELP}`

export async function migrate(argv: string[]): Promise<number> {
  const { values } = parse(argv, { ...CONFIG_OPTIONS, json: { type: 'boolean' } })
  if (values.help) return void console.log(MIGRATE_HELP), 0
  const { db } = openStore(configFrom(values))
  try {
    const result = await migrateToLatest(db)
    const applied = (result.results ?? []).map((r) => r.migrationName)
    out({ applied }, !!values.json, () => (applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date'))
    return 0
  } finally {
    await db.destroy()
  }
}
