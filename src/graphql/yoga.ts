/**
 * @module
 * The yoga server for /graphql, one per configuration. Errors are masked (no stack traces or SQL);
 * expected failures are typed results, not errors. Batching is off. A database that cannot be used
 * right now is not masked as a defect: it answers 503 with Retry-After and the code GRAPHQL_UNAVAILABLE.
 * Defects are logged with their stack by the HTTP server (GraphQLContext.noteDefect).
 */
import { GraphQLError } from 'graphql'
import { createGraphQLError, createYoga, maskError, type Plugin, type YogaServerInstance } from 'graphql-yoga'
import type { Config } from '../config.ts'
import { DomainError, storageUnavailable } from '../services/shared/errors.ts'
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
      maskedErrors: { maskError: maskFailure },
      batching: false,
      // Issue 17: never yoga's own page, which loads GraphiQL from a CDN; --graphiql serves it from the
      // binary at /admin/graphiql (pages/admin-console.ts), and /graphql sends browsers there.
      graphiql: false,
      landingPage: false,
      logging: false,
      plugins: [...limitPlugins({ introspection: config.graphqlIntrospection }), refuseNul, reportFailures],
    }) as unknown as Yoga
    instances.set(config, yoga)
  }
  return yoga
}

/** Whether a decoded value (a string, or strings anywhere in arrays and objects, keys included) holds a NUL. */
function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000')
  if (Array.isArray(value)) return value.some(holdsNul)
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => holdsNul(k) || holdsNul(v))
  return false
}

/**
 * No Latchkey field means a NUL character, and PostgreSQL cannot store one in text: a request that
 * carries one, in its variables or as a `\u0000` escape in the document, is refused before it runs.
 */
const refuseNul: Plugin<GraphQLContext> = {
  onParams({ params }) {
    if (holdsNul(params.variables) || holdsNul(params.query) || /\\u0000/i.test(params.query ?? '')) {
      throw createGraphQLError('a string holds a NUL character, which no field accepts', {
        extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
      })
    }
  },
}

/** The error a resolver threw, under the GraphQLErrors that locate it. */
function original(error: unknown): unknown {
  while (error instanceof GraphQLError && error.originalError) error = error.originalError
  return error
}

/**
 * Tells the request log what went wrong in a resolver, before masking: a database outage
 * (GraphQLContext.noteFault) or a defect: an error that is neither a GraphQLError nor a domain
 * error (noteDefect).
 */
const reportFailures: Plugin<GraphQLContext> = {
  onExecute: () => ({
    onExecuteDone: ({ result, args }) => {
      const context = args.contextValue as Partial<GraphQLContext>
      for (const error of 'errors' in result ? (result.errors ?? []) : []) {
        const cause = original(error)
        const outage = storageUnavailable(cause)
        if (outage) context.noteFault?.(outage.reason)
        else if (!(cause instanceof GraphQLError) && !(cause instanceof DomainError)) context.noteDefect?.(cause)
      }
    },
  }),
}

/** `extensions.code` of a domain error thrown outside a mutation's result union (a query's bad argument). */
const DOMAIN_CODES: Record<DomainError['kind'], string> = {
  invalid: 'BAD_USER_INPUT',
  not_found: 'NOT_FOUND',
  conflict: 'CONFLICT',
  forbidden: 'FORBIDDEN',
}

/**
 * Yoga's masking, except for what the caller can act on: a storage outage (retry later: 503 with
 * Retry-After) and a domain error (its safe message and a code, like the typed results'), rather than
 * "Unexpected error.".
 */
function maskFailure(error: unknown, message: string, isDev?: boolean): Error {
  const cause = original(error)
  const outage = storageUnavailable(cause)
  if (outage)
    return relocated(error, 'the service cannot reach its database right now; try again shortly', {
      code: GRAPHQL_UNAVAILABLE,
      http: { status: 503, headers: { 'Retry-After': String(outage.retryAfter) } },
    })
  if (cause instanceof DomainError)
    return relocated(error, cause.message, {
      code: DOMAIN_CODES[cause.kind],
      ...(cause.field && { field: cause.field }),
    })
  return maskError(error, message, isDev)
}

/** A new error for the client at the same place in the query as `error`. */
function relocated(error: unknown, message: string, extensions: Record<string, unknown>): GraphQLError {
  const at = error instanceof GraphQLError ? error : undefined
  return createGraphQLError(message, {
    nodes: at?.nodes,
    source: at?.source,
    positions: at?.positions,
    path: at?.path,
    extensions,
  })
}
