/**
 * @module
 * Request parameters from the query string, a form body or a JSON body, with limits. Parameters
 * are plain strings: RFC 6749 §3.1 and §3.2 forbid repeating one (a repeated JSON key included),
 * a parameter sent without a value is treated as omitted (§3.1), and JSON values must be strings
 * (no coercion of arrays, objects or numbers).
 */
import { InvalidRequest, RequestTooLarge } from './errors.ts'

export const LIMITS = {
  bodyBytes: 64 * 1024,
  parameters: 64,
  valueLength: 8 * 1024,
}

export type Params = Record<string, string>

/** Decodes application/x-www-form-urlencoded strictly: bad percent-encoding or UTF-8 is an error. */
export function parseUrlEncoded(text: string): Params {
  const params = new ParamSet()
  if (text === '') return params.values
  const pairs = text.split('&')
  if (pairs.length > LIMITS.parameters) throw new InvalidRequest('too many parameters')
  for (const pair of pairs) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const name = decode(eq < 0 ? pair : pair.slice(0, eq))
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1))
    params.add(name, value)
  }
  return params.values
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '))
  } catch {
    throw new InvalidRequest('malformed percent-encoding in parameters')
  }
}

/**
 * Parameters as they arrive. RFC 6749 §3.1: one sent without a value (`nonce=`) is treated as
 * omitted, so it never reaches a handler; it still counts as sent for the "never repeated" rule,
 * so `a=&a=x` is refused like `a=x&a=y` rather than read differently by different parsers.
 */
class ParamSet {
  readonly values: Params = Object.create(null)
  private readonly seen = new Set<string>()

  add(name: string, value: string): void {
    if (name.length > 128) throw new InvalidRequest('parameter name too long')
    if (value.length > LIMITS.valueLength) throw new InvalidRequest(`parameter ${safeName(name)} is too long`)
    // No OAuth parameter may hold a NUL (RFC 6749 Appendix A: printable characters), and PostgreSQL
    // cannot store one in text: refused here, it never reaches a query as a 500.
    if (name.includes('\u0000') || value.includes('\u0000'))
      throw new InvalidRequest(`parameter ${safeName(name)} holds a NUL character`)
    if (this.seen.has(name)) throw repeated(name)
    this.seen.add(name)
    if (value !== '') this.values[name] = value
  }
}

function repeated(name: string): InvalidRequest {
  return new InvalidRequest(`parameter ${safeName(name)} is repeated`)
}

function safeName(name: string): string {
  return /^[a-z_]{1,40}$/i.test(name) ? name : '(unnamed)'
}

export function queryParams(url: URL): Params {
  return parseUrlEncoded(url.search.slice(1))
}

/**
 * The body an endpoint takes, declared on its route (http/routes.ts) and parsed before it runs:
 * `form` and `form-or-json` refuse any other content type with 400; `form-if-sent` reads a form
 * body when one is sent and ignores any other (RFC 6750 §2.2: a bearer token may come in a form).
 */
export type BodyKind = 'none' | 'form' | 'form-or-json' | 'form-if-sent'

export async function readBody(request: Request, kind: BodyKind): Promise<Params> {
  if (kind === 'none') return Object.create(null)
  if (
    kind === 'form-if-sent' &&
    !(request.headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded')
  )
    return Object.create(null)
  return bodyParams(request, { json: kind === 'form-or-json' })
}

/** Reads a form or (when allowed) JSON body, refusing anything else with 400. */
export async function bodyParams(request: Request, { json }: { json: boolean }): Promise<Params> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  const isForm = type === 'application/x-www-form-urlencoded'
  const isJson = json && type === 'application/json'
  if (!isForm && !isJson)
    throw new InvalidRequest(
      json
        ? 'body must be application/x-www-form-urlencoded or application/json'
        : 'body must be application/x-www-form-urlencoded',
    )
  const text = await readText(request)
  return isForm ? parseUrlEncoded(text) : parseJsonObject(text)
}

/**
 * Issue 18: a JSON document whose members may be arrays and objects (RFC 7591 §3 client metadata), for
 * routes that declare `jsonDocument`: application/json only (RFC 7591 §3: "with a content type of application/json"),
 * an object at the top, no member given twice, within the body limit. Anything else throws `refuse(reason)`,
 * so the endpoint answers it in its own RFC's words (invalid_client_metadata, RFC 7591 §3.2.2).
 */
export async function readJsonDocument(
  request: Request,
  refuse: (reason: string) => Error,
): Promise<Record<string, unknown>> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json') throw refuse('the request body must be application/json (RFC 7591 §3)')
  const text = await readText(request)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw refuse('the request body is not valid JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw refuse('the request body must be a JSON object')
  const twice = repeatedTopLevelKey(text)
  if (twice !== undefined) throw refuse(`member ${safeName(twice)} is given twice`)
  if (Object.keys(value).length > LIMITS.parameters) throw refuse('too many members')
  if (text.includes('\\u0000')) throw refuse('the request body holds a NUL character')
  return value as Record<string, unknown>
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
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidRequest('JSON body must be an object')
  const entries = Object.entries(value)
  if (entries.length > LIMITS.parameters) throw new InvalidRequest('too many parameters')
  // JSON.parse keeps the last of repeated keys; a repeated key is a repeated parameter (§3.2).
  const twice = repeatedTopLevelKey(text)
  if (twice !== undefined) throw repeated(twice)
  const params = new ParamSet()
  for (const [name, v] of entries) {
    if (typeof v !== 'string') throw new InvalidRequest(`parameter ${safeName(name)} must be a string`)
    params.add(name, v)
  }
  return params.values
}

/**
 * The first key that appears twice among the members of the outermost object of `text`, which
 * JSON.parse has already accepted. Keys are compared decoded (`"a"` and `"\u0061"` are one key);
 * members of nested values are skipped by counting brackets outside strings. One pass, no recursion.
 */
export function repeatedTopLevelKey(text: string): string | undefined {
  const keys = new Set<string>()
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '{' || c === '[') depth++
    else if (c === '}' || c === ']') depth--
    else if (c === '"') {
      const end = closingQuote(text, i)
      if (depth === 1 && nextNonSpace(text, end + 1) === ':') {
        const key = JSON.parse(text.slice(i, end + 1)) as string
        if (keys.has(key)) return key
        keys.add(key)
      }
      i = end
    }
  }
  return undefined
}

function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === '"') return i
  }
  return text.length
}

function nextNonSpace(text: string, from: number): string | undefined {
  for (let i = from; i < text.length; i++) if (!' \t\n\r'.includes(text[i]!)) return text[i]
  return undefined
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

/** A browser navigating (its Accept names text/html); API clients send JSON, a wildcard or nothing. */
export function acceptsHtml(request: Request): boolean {
  const accept = request.headers.get('accept') ?? ''
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((p) => p.trim().toLowerCase())
    return type === 'text/html' && !params.some((p) => /^q=0(\.0*)?$/.test(p))
  })
}
