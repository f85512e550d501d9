/**
 * @module
 * The one SchemaBuilder. Plugin order matters: errors first (so a scope-auth refusal becomes a
 * typed ForbiddenError), relay before scope-auth (auth sees parsed global ids), dataloader last.
 */
import SchemaBuilder from '@pothos/core'
import DataloaderPlugin from '@pothos/plugin-dataloader'
import ErrorsPlugin from '@pothos/plugin-errors'
import RelayPlugin from '@pothos/plugin-relay'
import ScopeAuthPlugin from '@pothos/plugin-scope-auth'
import { GraphQLError, Kind } from 'graphql'
import { Forbidden } from '../services/shared/errors.ts'
import type { GraphQLContext } from './context.ts'

export const builder = new SchemaBuilder<{
  Context: GraphQLContext
  AuthScopes: { admin: boolean; adminRead: boolean; writer: boolean; self: string | null }
  Scalars: {
    DateTime: { Input: number; Output: number }
    JSON: { Input: never; Output: unknown }
  }
  DefaultFieldNullability: false
}>({
  plugins: [ErrorsPlugin, RelayPlugin, ScopeAuthPlugin, DataloaderPlugin],
  defaultFieldNullability: false,
  relay: { clientMutationId: 'omit', cursorType: 'String' },
  errors: { directResult: true },
  scopeAuth: {
    authScopes: (ctx) => ({
      admin: ctx.actor.level === 'admin',
      adminRead: ctx.actor.level !== 'viewer',
      writer: ctx.actor.canWrite,
      self: (userId) => userId === ctx.actor.userId,
    }),
    unauthorizedError: (_parent, ctx) =>
      new Forbidden(
        ctx.actor.canWrite
          ? 'only an administrator (admin scope) may do this'
          : ctx.actor.level === 'read'
            ? 'admin:read may read but not change anything'
            : 'this token may not change anything (it needs the api or admin scope)',
      ),
  },
})

/** An ISO 8601 date-time (with a time zone, or UTC) as epoch seconds; anything else is the caller's error. */
function parseDateTime(value: unknown): number {
  const ms =
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(value)
      ? Date.parse(value)
      : NaN
  if (Number.isNaN(ms)) throw new GraphQLError('a DateTime is an ISO 8601 string, e.g. 2026-12-03T10:00:00Z')
  return Math.floor(ms / 1000)
}

builder.scalarType('DateTime', {
  description: 'An instant, as an ISO 8601 string in UTC.',
  serialize: (seconds) => new Date(Number(seconds) * 1000).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
})
builder.scalarType('JSON', { description: 'Arbitrary JSON (output only).', serialize: (v) => v })

builder.queryType({})
builder.mutationType({})
