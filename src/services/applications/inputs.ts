/**
 * @module
 * What an application may be created or changed with: the one set of rules behind the CLI's
 * `app create` / `app update` and GraphQL's createApplication / updateApplication.
 */
import { z } from 'zod'
import { Invalid, parseOrInvalid } from '../shared/errors.ts'
import { isLoopbackHost, redirectUriProblem } from './redirect-uris.ts'

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
/** Grant types an application may enable; the token endpoint has one handler for each. */
export const GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'password',
  DEVICE_CODE_GRANT,
] as const
export type GrantType = (typeof GRANT_TYPES)[number]

const RedirectUri = z.string().superRefine((uri, ctx) => {
  const problem = redirectUriProblem(uri)
  if (problem) ctx.addIssue({ code: 'custom', message: `redirect URI ${JSON.stringify(uri.slice(0, 100))} ${problem}` })
})

/**
 * Issue 16: the most a rotation grace period may be, in seconds (five minutes). The window exists for
 * clients that refresh in parallel (Git Credential Manager) or retry a request whose answer was lost,
 * both a matter of seconds; every second beyond that only lengthens the time a stolen, already rotated
 * refresh token still mints tokens instead of revoking its family (RFC 9700 §4.14.2).
 */
export const MAX_REFRESH_GRACE_PERIOD = 300
const RefreshGracePeriod = z
  .number()
  .int('must be a whole number of seconds')
  .min(0, 'must be 0 (off) or a number of seconds')
  .max(MAX_REFRESH_GRACE_PERIOD, `may be at most ${MAX_REFRESH_GRACE_PERIOD} seconds`)

/**
 * Users' subjects are UUIDv7 (crypto/ids.ts). RFC 9700 §4.15.1: a client must not be able to get a
 * client_id that a resource server could take for a user's `sub`, so no chosen id has that form, which
 * rules out every present and future user at once (the helpers' well-known ids are UUIDv4).
 */
const USER_ID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i

/**
 * A client id chosen rather than generated (issue 16: the ids git credential helpers ship with, or an
 * application moved from another provider keeping its id). RFC 6749 §2.2 allows any printable
 * characters; Latchkey takes only RFC 3986's unreserved ones, so an id never needs encoding in a URL, a
 * form or HTTP Basic (RFC 6749 §2.3.1), and never carries a space or a colon.
 */
export const ClientIdInput = z
  .string()
  .regex(/^[A-Za-z0-9._~-]{3,128}$/, 'a client id is 3 to 128 letters, digits, dots, dashes, underscores or tildes')
  .refine((id) => !USER_ID_SHAPE.test(id), {
    message: "a client id may not have the form of a user's subject (a UUIDv7), RFC 9700 §4.15.1",
  })

/**
 * Issue 18, RFC 7591 §2: a page about the client (client_uri, policy_uri, tos_uri) or its logo
 * (logo_uri), shown on the consent page. An absolute https URL (http only for a loopback host, for
 * development), no credentials, at most 2000 characters; a page never renders anything else as a link.
 */
export const WebUri = z
  .string()
  .max(2000, 'is longer than 2000 characters')
  .superRefine((uri, ctx) => {
    const problem = webUriProblem(uri)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })

export function webUriProblem(uri: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\s\u0000-\u001f\u007f]/.test(uri)) return 'must not contain spaces or control characters'
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return 'must be an absolute URL'
  }
  if (url.username || url.password) return 'must not contain credentials'
  if (url.protocol === 'https:') return undefined
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined
  return 'must be an https URL'
}

/** RFC 7591 §2 `contacts`: ways to reach the people responsible, typically e-mail addresses. */
export const Contacts = z.array(z.string().trim().min(1).max(320)).max(10)

const ScopeList = z.array(z.string().min(1).max(100)).max(100)

export const NewApplicationInput = z
  .object({
    clientId: ClientIdInput.optional(),
    name: z.string().trim().min(1).max(200),
    redirectUris: z.array(RedirectUri).max(20).default([]),
    scopes: ScopeList.default(['openid', 'profile', 'email']),
    /**
     * RFC 6749 §3.3: what a request without `scope` gets; within `scopes`. Null (the default): the
     * server's rule, the allowed scopes marked default, else all of them.
     */
    defaultScopes: ScopeList.nullable().default(null),
    grantTypes: z.array(z.enum(GRANT_TYPES)).min(1).default(['authorization_code', 'refresh_token']),
    isPublic: z.boolean().default(false),
    isTrusted: z.boolean().default(false),
    canIntrospect: z.boolean().default(false),
    ownerId: z.string().nullish(),
    idTokenAlg: z.enum(['RS256', 'ES256']).default('RS256'),
    refreshPolicy: z.enum(['always', 'offline_access']).default('always'),
    refreshGracePeriod: RefreshGracePeriod.default(0),
    /** Issue 16: the ids of the groups whose members may use it; empty: everyone. */
    allowedGroups: z.array(z.string().min(1).max(100)).max(50).default([]),
    /** Issue 18, RFC 7591 §2: shown on the consent page. */
    logoUri: WebUri.nullish(),
    clientUri: WebUri.nullish(),
    policyUri: WebUri.nullish(),
    tosUri: WebUri.nullish(),
    contacts: Contacts.default([]),
  })
  .superRefine((a, ctx) => {
    // RFC 6749 §4.4 / §2.1: grants that need a client secret are refused for public clients.
    if (a.isPublic && a.grantTypes.includes('client_credentials'))
      ctx.addIssue({
        code: 'custom',
        path: ['grantTypes'],
        message: 'client_credentials needs a confidential application',
      })
  })

/** The checks that need no database, so the CLI can refuse bad input before it opens one. */
export function parseNewApplication(input: z.input<typeof NewApplicationInput>): z.output<typeof NewApplicationInput> {
  const parsed = parseOrInvalid(NewApplicationInput, input)
  requireGrantTypesFit(parsed)
  return parsed
}

/**
 * The rules between an application's fields, for creation and for the result of an update alike:
 * the authorization code flow needs a redirect URI; RFC 6749 §4.4 / §2.1: client_credentials needs a
 * confidential application (at creation NewApplicationInput refuses that first, naming the field).
 */
export function requireGrantTypesFit(app: {
  grantTypes: readonly string[]
  redirectUris: readonly string[]
  isPublic: boolean
}): void {
  if (app.grantTypes.includes('authorization_code') && app.redirectUris.length === 0)
    throw new Invalid('at least one redirect URI is needed for the authorization code flow', 'redirectUris')
  if (app.isPublic && app.grantTypes.includes('client_credentials'))
    throw new Invalid('client_credentials needs a confidential application', 'grantTypes')
}

const ttl = z
  .number()
  .int()
  .min(60)
  .max(366 * 86400)
  .nullable()
const shape = NewApplicationInput.shape

/**
 * The creation rule without its default, so that an absent field means "unchanged"
 * (zod 4's partial() keeps defaults).
 */
function noDefault<T extends z.ZodType>(schema: T) {
  const inner = schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema
  return inner.optional() as z.ZodOptional<z.ZodType<Exclude<z.output<T>, undefined>, Exclude<z.input<T>, undefined>>>
}

/** A partial update; every field reuses the creation rule, so the redirect URI and scope rules stay written once. */
export const ApplicationPatch = z.object({
  name: noDefault(shape.name),
  redirectUris: noDefault(shape.redirectUris),
  scopes: noDefault(shape.scopes),
  grantTypes: noDefault(shape.grantTypes),
  isTrusted: noDefault(shape.isTrusted),
  canIntrospect: noDefault(shape.canIntrospect),
  idTokenAlg: noDefault(shape.idTokenAlg),
  refreshPolicy: noDefault(shape.refreshPolicy),
  defaultScopes: noDefault(shape.defaultScopes),
  refreshGracePeriod: noDefault(shape.refreshGracePeriod),
  /** Replaces the list; an empty list opens the application to everyone again. */
  allowedGroups: noDefault(shape.allowedGroups),
  /** Null clears the link. */
  logoUri: WebUri.nullable().optional(),
  clientUri: WebUri.nullable().optional(),
  policyUri: WebUri.nullable().optional(),
  tosUri: WebUri.nullable().optional(),
  contacts: noDefault(shape.contacts),
  tokenFormat: z.enum(['opaque', 'jwt']).optional(),
  accessTokenTtl: ttl.optional(),
  refreshTokenTtl: ttl.optional(),
})
