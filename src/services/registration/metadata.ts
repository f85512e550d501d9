/**
 * @module
 * RFC 7591 §2 client metadata as a client sends it to /oauth/register (and RFC 7592 §2.2 to its
 * configuration endpoint), checked field by field. Every refusal is an Invalid naming the RFC field
 * (`redirect_uris`, `scope`, ...), which the endpoint answers as invalid_redirect_uri or
 * invalid_client_metadata (RFC 7591 §3.2.2). Fields this server does not act on are ignored (§2: "The
 * authorization server MUST ignore any client metadata sent by the client that it does not
 * understand"), and never echoed back as if they had been accepted.
 */
import { redirectUriProblem } from '../applications/redirect-uris.ts'
import { Contacts, DEVICE_CODE_GRANT, webUriProblem } from '../applications/inputs.ts'
import { Invalid } from '../shared/errors.ts'

/** RFC 7591 §2 token_endpoint_auth_method values this server can check (RFC 6749 §2.3.1, and none). */
export const REGISTRATION_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const
export type RegistrationAuthMethod = (typeof REGISTRATION_AUTH_METHODS)[number]

/**
 * Grant types a client may register for. The password grant (RFC 9700 §2.4: must not be used) and the
 * implicit grant (RFC 9700 §2.1.2) are never offered to a client registering itself.
 */
export const REGISTRABLE_GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  DEVICE_CODE_GRANT,
] as const

/** The metadata a registration carries, after its defaults (RFC 7591 §2). */
export interface ClientMetadata {
  redirectUris: string[]
  /** Undefined when the client did not say (RFC 7591 default: client_secret_basic; policy `open`: none). */
  tokenEndpointAuthMethod: RegistrationAuthMethod | undefined
  grantTypes: string[]
  clientName: string | undefined
  clientUri: string | null
  logoUri: string | null
  policyUri: string | null
  tosUri: string | null
  contacts: string[]
  /** Undefined when the client named none: the policy's ceiling is registered. */
  scopes: string[] | undefined
  /** OpenID Connect Dynamic Client Registration 1.0 §2. */
  idTokenSignedResponseAlg: 'RS256' | 'ES256' | undefined
}

type Json = Record<string, unknown>

function refuse(field: string, problem: string): never {
  throw new Invalid(`${field}: ${problem}`, field)
}

function optionalString(body: Json, field: string, max: number): string | undefined {
  const v = body[field]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') refuse(field, 'must be a string')
  if (v.length > max) refuse(field, `must be at most ${max} characters`)
  return v
}

function stringArray(body: Json, field: string, maxItems: number): string[] | undefined {
  const v = body[field]
  if (v === undefined || v === null) return undefined
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) refuse(field, 'must be an array of strings')
  if (v.length > maxItems) refuse(field, `may hold at most ${maxItems} values`)
  return [...new Set(v as string[])]
}

function webUri(body: Json, field: string): string | null {
  const v = optionalString(body, field, 2000)
  if (v === undefined || v === '') return null
  const problem = webUriProblem(v)
  if (problem) refuse(field, problem)
  return v
}

/** RFC 6749 §3.3 scope-token, space-separated (RFC 7591 §2 `scope`). */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

/** Reads and checks the metadata of a registration request; `body` is the parsed JSON object. */
export function parseClientMetadata(body: Json): ClientMetadata {
  const redirectUris = stringArray(body, 'redirect_uris', 20) ?? []
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri)
    if (problem) refuse('redirect_uris', `${JSON.stringify(uri.slice(0, 100))} ${problem}`)
  }

  const method = optionalString(body, 'token_endpoint_auth_method', 100)
  if (method !== undefined && !(REGISTRATION_AUTH_METHODS as readonly string[]).includes(method))
    refuse(
      'token_endpoint_auth_method',
      `${JSON.stringify(method.slice(0, 40))} is not supported; use one of ${REGISTRATION_AUTH_METHODS.join(', ')}`,
    )

  const grantTypes = stringArray(body, 'grant_types', 10) ?? ['authorization_code']
  for (const g of grantTypes) {
    if (g === 'implicit') refuse('grant_types', 'the implicit grant is not supported (RFC 9700 §2.1.2)')
    if (g === 'password') refuse('grant_types', 'the password grant is not offered to registered clients')
    if (!(REGISTRABLE_GRANT_TYPES as readonly string[]).includes(g))
      refuse('grant_types', `${JSON.stringify(g.slice(0, 60))} is not a grant type this server offers`)
  }
  if (grantTypes.length === 0) refuse('grant_types', 'must name at least one grant type')

  // RFC 7591 §2.1: response_types and grant_types must agree; only `code` exists here.
  const responseTypes = stringArray(body, 'response_types', 10)
  const codeFlow = grantTypes.includes('authorization_code')
  if (responseTypes !== undefined) {
    const other = responseTypes.find((r) => r !== 'code')
    if (other !== undefined)
      refuse('response_types', `${JSON.stringify(other.slice(0, 40))} is not supported; only "code" is`)
    if (responseTypes.includes('code') !== codeFlow)
      refuse(
        'response_types',
        codeFlow
          ? 'must include "code" when grant_types includes authorization_code (RFC 7591 §2.1)'
          : 'may include "code" only with the authorization_code grant type (RFC 7591 §2.1)',
      )
  }
  if (codeFlow && redirectUris.length === 0)
    refuse('redirect_uris', 'at least one redirect URI is required for the authorization_code grant type')

  const name = optionalString(body, 'client_name', 200)?.trim()
  const contacts = stringArray(body, 'contacts', 10)
  if (contacts !== undefined && !Contacts.safeParse(contacts).success)
    refuse('contacts', 'each contact must be 1 to 320 characters')

  const scope = optionalString(body, 'scope', 2000)
  let scopes: string[] | undefined
  if (scope !== undefined) {
    scopes = [...new Set(scope.split(' ').filter(Boolean))]
    if (scopes.some((s) => !SCOPE_TOKEN.test(s) || s.length > 100))
      refuse('scope', 'must be scope names separated by spaces (RFC 6749 §3.3)')
  }

  const alg = optionalString(body, 'id_token_signed_response_alg', 20)
  if (alg !== undefined && alg !== 'RS256' && alg !== 'ES256')
    refuse('id_token_signed_response_alg', 'must be RS256 or ES256')

  return {
    redirectUris,
    tokenEndpointAuthMethod: method as RegistrationAuthMethod | undefined,
    grantTypes: [...new Set(grantTypes)],
    clientName: name || undefined,
    clientUri: webUri(body, 'client_uri'),
    logoUri: webUri(body, 'logo_uri'),
    policyUri: webUri(body, 'policy_uri'),
    tosUri: webUri(body, 'tos_uri'),
    contacts: contacts ? contacts.map((c) => c.trim()) : [],
    scopes,
    idTokenSignedResponseAlg: alg as 'RS256' | 'ES256' | undefined,
  }
}
