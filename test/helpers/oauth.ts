/** Small client-side helpers for raw-HTTP protocol tests. */
import { randomBytes, createHash } from 'node:crypto'
import type { Client } from './fixtures.ts'

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

export function basic(clientId: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')
}

/** POSTs a form to an endpoint, authenticating the client with Basic (confidential) or client_id (public). */
export function postForm(
  base: string,
  path: string,
  client: Client | null,
  fields: Record<string, string>,
  opts: { json?: boolean } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    'Content-Type': opts.json ? 'application/json' : 'application/x-www-form-urlencoded',
  }
  const body: Record<string, string> = { ...fields }
  if (client?.secret) headers.Authorization = basic(client.clientId, client.secret)
  else if (client) body.client_id = client.clientId
  return fetch(base + path, {
    method: 'POST',
    headers,
    body: opts.json ? JSON.stringify(body) : new URLSearchParams(body),
  })
}
