/** @module The executable schema: every type and mutation module, registered by import. */
import { lexicographicSortSchema, printSchema } from 'graphql'
import { builder } from './builder.ts'
import './errors.ts'
import './types/application.ts'
import './types/user.ts'
import './types/grant.ts'
import './types/token.ts'
import './types/scope.ts'
import './types/signing-key.ts'
import './types/audit-event.ts'
import './types/group.ts'
import './types/query.ts'
import './mutations/applications.ts'
import './mutations/accounts.ts'
import './mutations/scopes-and-keys.ts'
import './mutations/groups.ts'
import './mutations/registration-tokens.ts'

export const schema = builder.toSchema()

/** What `schema.graphql` holds (npm run schema writes it; a test keeps it in sync). */
export function printedSchema(): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n'
}
