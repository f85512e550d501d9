/**
 * @module
 * Request parameters from the query string, a form body or a JSON body, with limits. Parameters
 * are plain strings: RFC 6749 §3.1 and §3.2 forbid repeating one, and JSON values must be strings
 * (no coercion of arrays, objects or numbers).
 */
import { InvalidRequest, RequestTooLarge } from '../oauth/errors.ts'

export const LIMITS = {
  bodyBytes: 64 * 1024,
  parameters: 64,
  valueLength: 8 * 1024,
}

export type Params = Record<string, string>

/** Decodes application/x-www-form-urlencoded strictly: bad percent-encoding or UTF-8 is an error. */
export function parseUrlEncoded(text: string): Params {
  const params: Params = Object.create(null)
  if (text === '') return params
  const pairs = text.split('&')
  if (pairs.length > LIMITS.parameters) throw new InvalidRequest('too many parameters')
  for (const pair of pairs) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const name = decode(eq < 0 ? pair : pair.slice(0, eq))
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1))
    addParam(params, name, value)
  }
  return params
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '))
  } catch {
    throw new InvalidRequest('malformed percent-encoding in parameters')
  }
}

function addParam(params: Params, name: string, value: string): void {
  if (name.length > 128) throw new InvalidRequest('parameter name too long')
  if (value.length > LIMITS.valueLength) throw new InvalidRequest(`parameter ${safeName(name)} is too long`)
  if (Object.hasOwn(params, name)) throw new InvalidRequest(`parameter ${safeName(name)} is repeated`)
  params[name] = value
}

function safeName(name: string): string {
  return /^[a-z_]{1,40}$/i.test(name) ? name : '(unnamed)'
}

export function queryParams(url: URL): Params {
  return parseUrlEncoded(url.search.slice(1))
}

/** Reads a form or (when allowed) JSON body, refusing anything else with 400. */
export async function bodyParams(request: Request, { json }: { json: boolean }): Promise<Params> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  const isForm = type === 'application/x-www-form-urlencoded'
  const isJson = json && type === 'application/json'
  if (!isForm && !isJson) throw new InvalidRequest(json ? 'body must be application/x-www-form-urlencoded or application/json' : 'body must be application/x-www-form-urlencoded')
  const text = await readText(request)
  return isForm ? parseUrlEncoded(text) : parseJsonObject(text)
}

/** Stateless between calls (no `stream` option), so one decoder serves every request. */
const UTF8 = new TextDecoder('utf-8', { fatal: true })

async function readText(request: Request): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > LIMITS.bodyBytes) throw new RequestTooLarge('request body is too large')
  let bytes: Uint8Array
  try {
    bytes = new Uint8Array(await request.arrayBuffer())
  } catch {
    throw new InvalidRequest('could not read the request body')
  }
  if (bytes.length > LIMITS.bodyBytes) throw new RequestTooLarge('request body is too large')
  try {
    return UTF8.decode(bytes)
  } catch {
    throw new InvalidRequest('request body is not valid UTF-8')
  }
}

function parseJsonObject(text: string): Params {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new InvalidRequest('body is not valid JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidRequest('JSON body must be an object')
  const entries = Object.entries(value)
  if (entries.length > LIMITS.parameters) throw new InvalidRequest('too many parameters')
  const params: Params = Object.create(null)
  for (const [name, v] of entries) {
    if (typeof v !== 'string') throw new InvalidRequest(`parameter ${safeName(name)} must be a string`)
    addParam(params, name, v)
  }
  return params
}

export function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>()
  if (!header || header.length > 8192) return cookies
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const name = part.slice(0, eq).trim()
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim())
  }
  return cookies
}
