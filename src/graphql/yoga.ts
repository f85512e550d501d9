/**
 * @module
 * The yoga server for /graphql, one per configuration. Errors are masked (no stack traces or SQL);
 * expected failures are typed results, not errors. Batching is off. A database that cannot be used
 * right now is not masked as a defect: it answers 503 with Retry-After and the code GRAPHQL_UNAVAILABLE.
 */
import { GraphQLError } from 'graphql'
import { createGraphQLError, createYoga, maskError, type Plugin, type YogaServerInstance } from 'graphql-yoga'
import type { Config } from '../config.ts'
import { storageUnavailable } from '../services/errors.ts'
import type { GraphQLContext } from './context.ts'
import { limitPlugins } from './limits.ts'
import { schema } from './schema.ts'

/** `errors[].extensions.code` when the database cannot be used right now (HTTP 503). */
export const GRAPHQL_UNAVAILABLE = 'SERVICE_UNAVAILABLE'

type Yoga = YogaServerInstance<GraphQLContext, Record<string, never>>
const instances = new WeakMap<Config, Yoga>()

export function yogaFor(config: Config): Yoga {
  let yoga = instances.get(config)
  if (!yoga) {
    yoga = createYoga<GraphQLContext>({
      schema,
      graphqlEndpoint: '/graphql',
      maskedErrors: { maskError: maskStorageOutage },
      batching: false,
      graphiql: config.graphiql,
      landingPage: false,
      logging: false,
      plugins: [...limitPlugins({ introspection: config.graphqlIntrospection }), reportStorageOutage],
    }) as unknown as Yoga
    instances.set(config, yoga)
  }
  return yoga
}

/** The error a resolver threw, under the GraphQLErrors that locate it. */
function original(error: unknown): unknown {
  while (error instanceof GraphQLError && error.originalError) error = error.originalError
  return error
}

/** Tells the request log (GraphQLContext.noteFault) which outage a resolver met; sees errors after masking. */
const reportStorageOutage: Plugin<GraphQLContext> = {
  onExecute: () => ({
    onExecuteDone: ({ result, args }) => {
      const errors = 'errors' in result ? (result.errors ?? []) : []
      const outage = errors.map((e) => storageUnavailable(original(e))).find((o) => o !== undefined)
      if (outage) (args.contextValue as Partial<GraphQLContext>).noteFault?.(outage.reason)
    },
  }),
}

/** Yoga's masking, except for a storage outage, which the client should retry rather than report. */
function maskStorageOutage(error: unknown, message: string, isDev?: boolean): Error {
  const outage = storageUnavailable(original(error))
  if (!outage) return maskError(error, message, isDev)
  const located = error instanceof GraphQLError ? error : undefined
  return createGraphQLError('the service cannot reach its database right now; try again shortly', {
    nodes: located?.nodes,
    source: located?.source,
    positions: located?.positions,
    path: located?.path,
    // Kept (never serialised) for reportStorageOutage, which sees errors after masking.
    originalError: outage,
    extensions: { code: GRAPHQL_UNAVAILABLE, http: { status: 503, headers: { 'Retry-After': String(outage.retryAfter) } } },
  })
}
