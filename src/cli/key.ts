import type { SigningKeyView } from '../services/admin/keys.ts'
import { SIGNING_ALGS } from '../crypto/jose.ts'
import { requireFlag, UsageError } from './args.ts'
import { commandGroup, subcommand } from './command.ts'

const iso = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000).toISOString())

/** Public parts and status only: the private key never leaves the database. */
export function keyJson(k: SigningKeyView) {
  return {
    id: k.id,
    kid: k.kid,
    alg: k.alg,
    status: k.status,
    created_at: k.createdAt,
    retired_at: k.retiredAt,
    publish_until: k.publishUntil,
  }
}

function keyLine(k: SigningKeyView): string {
  const until = k.status === 'retired' ? `  published until ${iso(k.publishUntil) ?? 'now'}` : ''
  return `${k.kid}  ${k.alg}  ${k.status}${until}`
}

/** The `key` subcommands; test/graphql/parity.test.ts holds each against its GraphQL twin. */
export const KEY_SUBCOMMANDS = {
  list: subcommand({
    usage: '[--json]',
    summary: 'lists the signing keys: the active one per algorithm and the retired ones still in the JWKS',
    flags: {},
    database: 'existing',
    prepare:
      () =>
      async ({ services }, print) => {
        const keys = await services.admin.keys.listAsOperator()
        print(
          keys.map(keyJson),
          () => keys.map(keyLine).join('\n') || 'no signing keys yet (serve creates them on first start)',
        )
      },
  }),
  rotate: subcommand({
    usage: '--alg RS256|ES256 [--json]',
    summary: 'makes a new active key; the old one stays in the JWKS until every token it signed has expired',
    flags: { alg: { type: 'string', value: SIGNING_ALGS.join('|'), help: 'the algorithm whose key is replaced' } },
    database: 'existing',
    fields: { alg: '--alg' },
    prepare({ values }) {
      const alg = requireFlag(values.alg, 'alg')
      if (!(SIGNING_ALGS as readonly string[]).includes(alg))
        throw new UsageError(`--alg must be one of ${SIGNING_ALGS.join(', ')}`)
      return async ({ services }, print) => {
        const keys = await services.admin.keys.rotateAsOperator(alg)
        print(keys.map(keyJson), () => `rotated ${alg}: ${keys.map(keyLine).join('; ')}`)
      }
    },
  }),
}

export const key = commandGroup('key', KEY_SUBCOMMANDS, 'Running servers pick up a new key within a few seconds.')
