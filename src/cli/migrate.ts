import { migrateToLatest } from '../store/migrate.ts'
import { openStore } from '../store/open.ts'
import { JSON_FLAG } from './args.ts'
import { standalone } from './command.ts'
import { checkDatabase, configFrom, DATABASE_FLAGS, DATABASE_HELP, naming, printNotices } from './common.ts'

export const migrate = standalone('migrate', {
  usage: '[--db FILE | --database-url URL] [--json]',
  summary:
    'Brings the database schema up to date (creating the database if there is none yet).\n' +
    '`latchkey serve` does this on start as well.',
  flags: JSON_FLAG,
  settings: { flags: DATABASE_FLAGS, help: DATABASE_HELP },
  async run({ values, io }) {
    const config = configFrom(values, io)
    printNotices(io, await checkDatabase(config, 'create'))
    const result = await naming(config, async () => {
      const { db } = openStore(config)
      try {
        return await migrateToLatest(db)
      } finally {
        await db.destroy()
      }
    })
    const applied = (result.results ?? []).map((r) => r.migrationName)
    io.stdout.write(
      (values.json
        ? JSON.stringify({ applied }, null, 2)
        : applied.length
          ? `applied: ${applied.join(', ')}`
          : 'database is up to date') + '\n',
    )
    return 0
  },
})
