/**
 * The console's one way to the server: POST /graphql with the session cookie and the CSRF token the
 * shell's meta tag carries (see /work/notes/contracts.md, "Console ↔ GraphQL"). A mutation's typed error
 * (ValidationError, ConflictError, …) becomes a MutationError naming the input field at fault.
 */

function meta(name: string): string {
  return document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? ''
}

export const CSRF_TOKEN = meta('latchkey-csrf')
export const SIGNED_IN_AS = meta('latchkey-user')
/** GraphiQL's address when the server serves it (`--graphiql`), else empty. */
export const GRAPHIQL_URL = meta('latchkey-graphiql')
export const LOGIN_URL = '/login?return_to=/admin'

/** A failure that is not the input's fault: network, server, session. */
export class ApiError extends Error {}

/** A mutation's typed error: `field` names the input (e.g. `redirectUris.1`), or is null. */
export class MutationError extends Error {
  constructor(
    message: string,
    readonly field: string | null,
    readonly kind: string,
  ) {
    super(message)
  }
  /** The input's top-level name: `redirectUris.1` → `redirectUris`. */
  get fieldName(): string | null {
    return this.field?.split('.')[0] ?? null
  }
}

const ERROR_FRAGMENT = 'fragment Err on Error { __typename message field }'

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  let res: Response
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Latchkey-CSRF': CSRF_TOKEN },
      body: JSON.stringify({ query, variables }),
    })
  } catch {
    throw new ApiError('The server could not be reached. Check that Latchkey is running, then try again.')
  }
  if (res.status === 401) {
    location.assign(LOGIN_URL)
    throw new ApiError('Your session has ended; taking you to the sign-in page.')
  }
  let body: { data?: T; errors?: Array<{ message: string }> }
  try {
    body = await res.json()
  } catch {
    throw new ApiError(`The server answered ${res.status} ${res.statusText}.`)
  }
  if (body.errors?.length) throw new ApiError(body.errors.map((e) => e.message).join(' '))
  if (!res.ok || !body.data) throw new ApiError(`The server answered ${res.status} ${res.statusText}.`)
  return body.data
}

/**
 * Runs a one-field mutation taking `$input`; the query may spread `...Err` on the result union.
 * Returns the payload or throws the typed error as a MutationError.
 */
export async function mutate<T>(query: string, input: Record<string, unknown>): Promise<T> {
  const data = await gql<Record<string, unknown>>(`${query}\n${ERROR_FRAGMENT}`, { input })
  const result = Object.values(data)[0] as { __typename?: string; message?: string; field?: string | null }
  if (result?.__typename?.endsWith('Error') && typeof result.message === 'string')
    throw new MutationError(result.message, result.field ?? null, result.__typename)
  return result as T
}

export interface PageInfo {
  hasNextPage: boolean
  hasPreviousPage: boolean
  startCursor: string | null
  endCursor: string | null
}

export interface Connection<T> {
  edges: Array<{ node: T }>
  pageInfo: PageInfo
}

export const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }'

/** Where a page starts: the first page, after a cursor, or before one. */
export type PageWindow = { first: number; after?: string } | { last: number; before?: string }
export const PAGE_SIZE = 20
export const FIRST_PAGE: PageWindow = { first: PAGE_SIZE }

export function nodes<T>(c: Connection<T>): T[] {
  return c.edges.map((e) => e.node)
}

/** Looks a user up by username, for filters that take an ID. */
export async function userId(username: string): Promise<string | null> {
  const data = await gql<{ user: { id: string } | null }>('query($u: String!) { user(username: $u) { id } }', {
    u: username,
  })
  return data.user?.id ?? null
}

/** Looks an application up by client id, for filters that take an ID. */
export async function applicationId(clientId: string): Promise<string | null> {
  const data = await gql<{ application: { id: string } | null }>(
    'query($c: String!) { application(clientId: $c) { id } }',
    { c: clientId },
  )
  return data.application?.id ?? null
}
