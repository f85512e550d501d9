/** Writes schema.graphql, the printed GraphQL schema (test/graphql/schema-sync.test.ts checks it). */
import { printedSchema } from '../src/graphql/schema.ts'

await Bun.write(new URL('../schema.graphql', import.meta.url), printedSchema())
console.log('wrote schema.graphql')
