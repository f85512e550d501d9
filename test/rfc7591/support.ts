/** Shared steps of the RFC 7591 / RFC 7592 suites (issue 18): a server with a registration policy. */
import { setup, type Env } from '../helpers/flows.ts'
import type { ServerOptions } from '../helpers/server.ts'

export type Policy = 'off' | 'token' | 'open'

export async function registrationEnv(policy: Policy, options: ServerOptions = {}): Promise<Env> {
  return setup({ ...options, config: { registrationPolicy: policy, ...options.config } })
}

/** An initial access token made as an administrator would (RFC 7591 §3). */
export async function initialToken(
  env: Env,
  input: Parameters<Env['server']['provider']['services']['registration']['createToken']>[0] = {},
): Promise<string> {
  return (await env.server.provider.services.registration.createToken(input)).token
}

export function register(
  env: Env,
  metadata: unknown,
  opts: { token?: string; contentType?: string; raw?: string } = {},
): Promise<Response> {
  return fetch(`${env.server.url}/oauth/register`, {
    method: 'POST',
    headers: {
      'Content-Type': opts.contentType ?? 'application/json',
      ...(opts.token !== undefined && { Authorization: `Bearer ${opts.token}` }),
    },
    body: opts.raw ?? JSON.stringify(metadata),
  })
}

/** Registers and returns the RFC 7591 §3.2.1 answer; fails the test unless 201. */
export async function registered(
  env: Env,
  metadata: Record<string, unknown>,
  token?: string,
): Promise<Record<string, any>> {
  const res = await register(env, metadata, { token })
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`)
  return (await res.json()) as Record<string, any>
}

/** RFC 7592 §2: a request to the client configuration endpoint with a registration access token. */
export function configure(
  uri: string,
  method: 'GET' | 'PUT' | 'DELETE',
  token: string | undefined,
  body?: unknown,
): Promise<Response> {
  return fetch(uri, {
    method,
    headers: {
      ...(token !== undefined && { Authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'Content-Type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
}

export async function expectError(res: Response, status: number, error: string, field?: string): Promise<void> {
  const body = (await res.json()) as { error: string; error_description: string }
  if (res.status !== status || body.error !== error || (field && !body.error_description.includes(field)))
    throw new Error(
      `expected ${status} ${error}${field ? ` naming ${field}` : ''}, got ${res.status} ${JSON.stringify(body)}`,
    )
}

export const WEB_CLIENT = {
  client_name: 'Web client',
  redirect_uris: ['https://rp.example/cb'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  scope: 'openid profile',
}
