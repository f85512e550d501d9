/**
 * @module
 * Fetching a client ID metadata document (issue 18; draft-ietf-oauth-client-id-metadata-document §4, §6),
 * the one place Latchkey makes a request to a URL a stranger chose. So, in order:
 * - the URL is https, on port 443, with no credentials or fragment (§3); other ports only for host:port pairs
 *   the operator allowed (`metadataDocumentAllowHosts`);
 * - the host name is resolved once and EVERY address must be public unicast (./public-address.ts), unless the
 *   operator allowed that host:port;
 * - the connection goes to the address that was checked, with the name kept for SNI, certificate checking and
 *   Host, so a second DNS answer (rebinding) can never pick another address between check and connect;
 * - no redirect is followed (any 3xx is a refusal), only 200 with a JSON media type is read, at most 5 KB of
 *   it (the rest is not read: the connection is dropped), within one deadline for connect and read (5 s);
 * - how long the document may be used comes from its Cache-Control max-age or Expires, kept within bounds.
 * Every refusal is a MetadataFetchRefused whose message says why in words a client developer can act on.
 */
import { lookup } from 'node:dns/promises'
import https from 'node:https'
import type { IncomingHttpHeaders } from 'node:http'
import { isIP } from 'node:net'
import tls from 'node:tls'
import { nonPublicAddress } from './public-address.ts'

/** §6.5: the draft suggests 5 KB as the most a document needs. */
export const MAX_DOCUMENT_BYTES = 5 * 1024
export const FETCH_TIMEOUT_MS = 5000
/** How long a fetched document is used before it is fetched again: the HTTP caching headers, within these. */
export const MIN_CACHE_SECONDS = 5 * 60
export const MAX_CACHE_SECONDS = 24 * 3600
/** Without caching headers. */
export const DEFAULT_CACHE_SECONDS = 3600

export class MetadataFetchRefused extends Error {
  override name = 'MetadataFetchRefused'
  /** `detail`: for the server's log only (an address, a status), never secret. */
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message)
  }
}

export interface ResolvedAddress {
  address: string
  family: 4 | 6
}
/** Every address a host name has (A and AAAA). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>

export interface TransportRequest {
  /** The checked address to connect to. */
  address: ResolvedAddress
  /** The URL's host name: SNI, certificate name and Host header. */
  hostname: string
  port: number
  path: string
  ca: string | undefined
  maxBytes: number
  deadline: AbortSignal
}
export interface TransportResponse {
  status: number
  headers: IncomingHttpHeaders
  body: Uint8Array
}
export type Transport = (request: TransportRequest) => Promise<TransportResponse>

export interface MetadataFetchOptions {
  /** `host:port` pairs (lower case) exempt from the port and address rules. */
  allowHosts: readonly string[]
  /** Extra trusted certificate authorities (PEM), on top of the system's. */
  ca?: string
  resolve?: Resolver
  transport?: Transport
  timeoutMs?: number
  /** Seconds since the epoch, for Expires. */
  now: () => number
}

export interface FetchedDocument {
  document: Record<string, unknown>
  /** Seconds it may be used for, from its caching headers within MIN…MAX_CACHE_SECONDS. */
  cacheSeconds: number
}

/** What a metadata document's URL may look like (§3), or why not; `allowed` when its host:port is allow-listed. */
export function checkDocumentUrl(clientId: string, allowHosts: readonly string[]): { url: URL; allowed: boolean } {
  let url: URL
  try {
    url = new URL(clientId)
  } catch {
    throw new MetadataFetchRefused('the client_id URL is not a valid URL')
  }
  if (url.protocol !== 'https:') throw new MetadataFetchRefused('a client_id URL must use the https scheme')
  if (url.username || url.password) throw new MetadataFetchRefused('a client_id URL must not contain credentials')
  if (clientId.includes('#')) throw new MetadataFetchRefused('a client_id URL must not contain a fragment')
  if (url.pathname === '/' || url.pathname === '')
    throw new MetadataFetchRefused('a client_id URL must have a path, as https://app.example/client.json')
  const raw = clientId.slice(clientId.indexOf('//') + 2)
  const rawPath = raw.includes('/') ? raw.slice(raw.indexOf('/')).split('?')[0]! : ''
  if (rawPath.split('/').some((s) => s === '.' || s === '..' || /^%2e%2e?$|^\.%2e$|^%2e\.$/i.test(s)))
    throw new MetadataFetchRefused('a client_id URL must not contain . or .. path segments')
  // The document's client_id must equal the URL exactly (§4.1), so only the URL's normal form can ever match.
  if (url.href !== clientId)
    throw new MetadataFetchRefused(`a client_id URL must be written in its normal form: ${url.href}`)
  const hostPort = `${url.hostname}:${url.port || '443'}`
  const allowed = allowHosts.includes(hostPort)
  if (!allowed && url.port !== '')
    throw new MetadataFetchRefused('a client_id URL must use the default https port 443', hostPort)
  return { url, allowed }
}

/** Fetches and parses the document at `clientId`, or throws MetadataFetchRefused. Never follows a redirect. */
export async function fetchMetadataDocument(clientId: string, options: MetadataFetchOptions): Promise<FetchedDocument> {
  const { url, allowed } = checkDocumentUrl(clientId, options.allowHosts)
  const timeoutMs = options.timeoutMs ?? FETCH_TIMEOUT_MS
  const deadline = AbortSignal.timeout(timeoutMs)
  const hostname = url.hostname.replace(/^\[|\]$/g, '')
  const addresses = await withDeadline(addressesOf(hostname, options.resolve ?? systemResolver), deadline, timeoutMs)
  if (addresses.length === 0) throw new MetadataFetchRefused("the client_id URL's host has no address", hostname)
  if (!allowed)
    for (const { address } of addresses) {
      const why = nonPublicAddress(address)
      if (why)
        throw new MetadataFetchRefused(
          "the client_id URL's host resolves to an address that is not public",
          `${hostname} → ${address}: ${why}`,
        )
    }
  const response = await withDeadline(
    (options.transport ?? httpsTransport)({
      address: addresses[0]!,
      hostname,
      port: Number(url.port || 443),
      path: `${url.pathname}${url.search}`,
      ca: options.ca,
      maxBytes: MAX_DOCUMENT_BYTES,
      deadline,
    }),
    deadline,
    timeoutMs,
  )
  return { document: parseDocument(response), cacheSeconds: cacheSeconds(response.headers, options.now()) }
}

async function addressesOf(hostname: string, resolve: Resolver): Promise<ResolvedAddress[]> {
  const family = isIP(hostname)
  if (family !== 0) return [{ address: hostname, family: family as 4 | 6 }]
  try {
    return await resolve(hostname)
  } catch (e) {
    throw new MetadataFetchRefused("the client_id URL's host name could not be resolved", (e as Error).message)
  }
}

async function withDeadline<T>(work: Promise<T>, deadline: AbortSignal, timeoutMs: number): Promise<T> {
  const timedOut = new Promise<never>((_, reject) => {
    const fail = () =>
      reject(new MetadataFetchRefused(`fetching the metadata document took longer than ${timeoutMs} ms`))
    if (deadline.aborted) fail()
    else deadline.addEventListener('abort', fail, { once: true })
  })
  timedOut.catch(() => {})
  return Promise.race([work, timedOut])
}

function parseDocument({ status, headers, body }: TransportResponse): Record<string, unknown> {
  if (status >= 300 && status < 400)
    throw new MetadataFetchRefused(
      'the client_id URL answered with a redirect; redirects are not followed',
      `${status}`,
    )
  if (status !== 200) throw new MetadataFetchRefused(`the client_id URL answered HTTP ${status}, not 200`)
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  // §4: application/json, or a more specific application/…+json.
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type))
    throw new MetadataFetchRefused(`the metadata document must be served as application/json, not ${type || 'nothing'}`)
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body))
  } catch {
    throw new MetadataFetchRefused('the metadata document is not valid JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new MetadataFetchRefused('the metadata document is not a JSON object')
  return value as Record<string, unknown>
}

/**
 * RFC 9111 §4.2.1: max-age wins over Expires; no-store / no-cache / max-age=0 mean "do not reuse", which
 * here is the minimum (a client's every request cannot be a fetch). Kept within MIN…MAX_CACHE_SECONDS.
 */
export function cacheSeconds(headers: IncomingHttpHeaders, now: number): number {
  const clamp = (s: number) => Math.min(MAX_CACHE_SECONDS, Math.max(MIN_CACHE_SECONDS, Math.floor(s)))
  const directives = String(headers['cache-control'] ?? '').toLowerCase()
  if (/(^|[\s,])(no-store|no-cache)($|[\s,=])/.test(directives)) return MIN_CACHE_SECONDS
  const maxAge = /(?:^|[\s,])max-age\s*=\s*"?(\d{1,10})"?/.exec(directives)
  if (maxAge) return clamp(Number(maxAge[1]))
  const expires = headers.expires ? Date.parse(headers.expires) : Number.NaN
  if (!Number.isNaN(expires)) {
    const date = headers.date ? Date.parse(headers.date) : Number.NaN
    return clamp((expires - (Number.isNaN(date) ? now * 1000 : date)) / 1000)
  }
  return DEFAULT_CACHE_SECONDS
}

const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }))

/**
 * The real transport: node:https to the checked address itself (`host` is the IP), with `servername` and
 * Host set to the URL's name, so TLS verifies the certificate for the name while no second lookup happens.
 * Reads at most `maxBytes`, dropping the connection past them.
 */
export const httpsTransport: Transport = (r) =>
  new Promise<TransportResponse>((resolve, reject) => {
    const named = isIP(r.hostname) === 0
    const request = https.request(
      {
        host: r.address.address,
        family: r.address.family,
        port: r.port,
        path: r.path,
        method: 'GET',
        servername: named ? r.hostname : undefined,
        headers: {
          host: r.address.family === 6 && !named ? `[${r.hostname}]:${r.port}` : `${r.hostname}:${r.port}`,
          accept: 'application/json',
          'user-agent': 'Latchkey (client ID metadata document fetcher)',
        },
        ca: r.ca ? [...tls.rootCertificates, r.ca] : undefined,
        agent: false,
        signal: r.deadline,
      },
      (response) => {
        const declared = Number(response.headers['content-length'])
        if (declared > r.maxBytes) {
          request.destroy()
          reject(tooLarge(r.maxBytes))
          return
        }
        const chunks: Buffer[] = []
        let size = 0
        response.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > r.maxBytes) {
            request.destroy()
            reject(tooLarge(r.maxBytes))
          } else chunks.push(chunk)
        })
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
        )
        response.on('error', (e) => reject(connectionFailed(e)))
      },
    )
    request.on('error', (e) => reject(connectionFailed(e)))
    request.end()
  })

function tooLarge(max: number): MetadataFetchRefused {
  return new MetadataFetchRefused(`the metadata document is larger than ${max} bytes`)
}

function connectionFailed(e: Error): MetadataFetchRefused {
  if (e instanceof MetadataFetchRefused) return e
  return new MetadataFetchRefused('the metadata document could not be fetched over https', e.message)
}
