/**
 * @module
 * What an application may be created or changed with: the one set of rules behind the CLI's
 * `app create` / `app update` and GraphQL's createApplication / updateApplication.
 */
import { z } from 'zod'
import { Invalid, parseOrInvalid } from '../shared/errors.ts'
import { redirectUriProblem } from './redirect-uris.ts'

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

export const NewApplicationInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    redirectUris: z.array(RedirectUri).max(20).default([]),
    scopes: z.array(z.string().min(1).max(100)).max(100).default(['openid', 'profile', 'email']),
    grantTypes: z.array(z.enum(GRANT_TYPES)).min(1).default(['authorization_code', 'refresh_token']),
    isPublic: z.boolean().default(false),
    isTrusted: z.boolean().default(false),
    canIntrospect: z.boolean().default(false),
    ownerId: z.string().nullish(),
    idTokenAlg: z.enum(['RS256', 'ES256']).default('RS256'),
    refreshPolicy: z.enum(['always', 'offline_access']).default('always'),
    /** Issue 16: the ids of the groups whose members may use it; empty: everyone. */
    allowedGroups: z.array(z.string().min(1).max(100)).max(50).default([]),
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
  /** Replaces the list; an empty list opens the application to everyone again. */
  allowedGroups: noDefault(shape.allowedGroups),
  tokenFormat: z.enum(['opaque', 'jwt']).optional(),
  accessTokenTtl: ttl.optional(),
  refreshTokenTtl: ttl.optional(),
})
