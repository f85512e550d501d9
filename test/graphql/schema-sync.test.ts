import { describe, expect, test } from 'bun:test'
import { printedSchema } from '../../src/graphql/schema.ts'

describe('issue 4: schema.graphql is the printed schema', () => {
  test(
    'schema.graphql matches printSchema(lexicographicSortSchema(schema)); run `npm run schema` after changing ' +
      'the schema',
    async () => {
      const onDisk = await Bun.file(new URL('../../schema.graphql', import.meta.url)).text()
      expect(onDisk).toBe(printedSchema())
    },
  )

  test('no type exposes a secret: no password, hash, private key or token value field', () => {
    expect(printedSchema()).not.toMatch(
      /password_?hash|passwordHash|privateJwk|private_jwk|tokenHash|token_hash|secretHash/i,
    )
  })
})
