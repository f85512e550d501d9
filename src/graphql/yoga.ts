/**
 * @module
 * The yoga server for /graphql, one per configuration. Errors are masked (no stack traces or SQL);
 * expected failures are typed results, not errors. Batching is off.
 */
import { createYoga, type YogaServerInstance } from 'graphql-yoga'
import type { Config } from '../config.ts'
import type { GraphQLContext } from './context.ts'
import { limitPlugins } from './limits.ts'
import { schema } from './schema.ts'

type Yoga = YogaServerInstance<GraphQLContext, Record<string, never>>
const instances = new WeakMap<Config, Yoga>()

export function yogaFor(config: Config): Yoga {
  let yoga = instances.get(config)
  if (!yoga) {
    yoga = createYoga<GraphQLContext>({
      schema,
      graphqlEndpoint: '/graphql',
      maskedErrors: true,
      batching: false,
      graphiql: config.graphiql,
      landingPage: false,
      logging: false,
      plugins: limitPlugins({ introspection: config.graphqlIntrospection }),
    }) as unknown as Yoga
    instances.set(config, yoga)
  }
  return yoga
}
