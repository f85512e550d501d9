/**
 * @module
 * Protection against abusive queries (OWASP GraphQL Cheat Sheet, checklist M.72), all applied
 * before execution: GraphQL Armor's depth, alias, cost and token limits at validation, and a
 * page-size check here that also sees variables. JSON batches are refused by yoga (batching off).
 */
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions'
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit'
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases'
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth'
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens'
import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  visit,
  type ArgumentNode,
  type DocumentNode,
} from 'graphql'
import type { Plugin } from 'graphql-yoga'
import { MAX_PAGE_SIZE } from './pagination.ts'

export const LIMITS = {
  /**
   * Deepest legitimate dashboard query: viewer → user → applications → edges → node → tokens → edges →
   * node → user → username (10).
   */
  depth: 12,
  aliases: 15,
  /** GraphQL Armor counts objects, scalars and depth, times `first`: a 50-row dashboard query costs ~5,000. */
  cost: 20_000,
  tokens: 2000,
  pageSize: MAX_PAGE_SIZE,
  /** Ids in one `nodes(ids:)` call. */
  listArgument: MAX_PAGE_SIZE,
} as const

/** Rejects `first`/`last` above the page size and `ids` lists above the cap, literals or variables. */
export function pageSizeProblem(
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
): string | undefined {
  let problem: string | undefined
  const argumentValue = (arg: ArgumentNode): unknown => {
    const v = arg.value
    if (v.kind === Kind.VARIABLE) return variables?.[v.name.value]
    if (v.kind === Kind.INT) return Number(v.value)
    if (v.kind === Kind.LIST) return v.values
    return undefined
  }
  visit(document, {
    Argument(arg) {
      const name = arg.name.value
      const value = argumentValue(arg)
      if ((name === 'first' || name === 'last') && typeof value === 'number' && (value > LIMITS.pageSize || value < 0))
        problem ??= `${name} must be between 0 and ${LIMITS.pageSize}`
      if (name === 'ids' && Array.isArray(value) && value.length > LIMITS.listArgument)
        problem ??= `ids may list at most ${LIMITS.listArgument} ids`
    },
  })
  return problem
}

const pageSizePlugin: Plugin = {
  onExecute({ args, setResultAndStopExecution }) {
    const problem = pageSizeProblem(args.document, args.variableValues as Record<string, unknown> | undefined)
    if (problem)
      setResultAndStopExecution({ errors: [new GraphQLError(problem, { extensions: { code: 'PAGE_SIZE_LIMIT' } })] })
  },
}

export function limitPlugins(options: { introspection: boolean }): Plugin[] {
  const plugins: Plugin[] = [
    maxTokensPlugin({ n: LIMITS.tokens }) as Plugin,
    maxDepthPlugin({ n: LIMITS.depth, ignoreIntrospection: true, flattenFragments: true }) as Plugin,
    maxAliasesPlugin({ n: LIMITS.aliases }) as Plugin,
    costLimitPlugin({ maxCost: LIMITS.cost, ignoreIntrospection: true }) as Plugin,
    pageSizePlugin,
  ]
  if (!options.introspection) {
    plugins.push(blockFieldSuggestionsPlugin() as Plugin, {
      onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule),
    })
  }
  return plugins
}
