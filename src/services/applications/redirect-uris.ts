/**
 * @module
 * Redirect URI rules, for registration and for matching at /authorize.
 * Registration (RFC 6749 §3.1.2, RFC 9700 §2.1): absolute, no fragment, no wildcard, https or a
 * loopback http URI or a private-use scheme for native apps; never javascript:, data: or vbscript:.
 * Matching: exact string comparison (RFC 9700 §4.1.3), except that for public clients a loopback
 * URI matches on any port (RFC 8252 §7.3).
 */
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'about:'])
const MAX_LENGTH = 2000

export function redirectUriProblem(uri: string): string | undefined {
  if (uri.length > MAX_LENGTH) return 'is longer than 2000 characters'
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\s*\u0000-\u001f\u007f]/.test(uri)) return 'must not contain spaces, control characters or wildcards'
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return 'must be an absolute URI'
  }
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `must not use the ${url.protocol} scheme`
  if (uri.includes('#')) return 'must not contain a fragment'
  if (url.username || url.password) return 'must not contain credentials'
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return 'must use https unless it is a loopback address'
  if (url.protocol !== 'https:' && url.protocol !== 'http:' && !/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol))
    return 'must use https, loopback http, or a reverse-domain private-use scheme (RFC 8252 §7.1)'
  return undefined
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === '[::1]' || hostname === 'localhost'
}

/** RFC 8252 §7.3 / §8.3: only IP literals get the any-port rule; "localhost" must match exactly. */
function isLoopbackIp(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === '[::1]'
}

export function matchRedirectUri(registered: readonly string[], requested: string, isPublic: boolean): boolean {
  if (registered.includes(requested)) return true
  if (!isPublic) return false
  const req = parseHttp(requested)
  if (!req || !isLoopbackIp(req.hostname)) return false
  return registered.some((r) => {
    const reg = parseHttp(r)
    return (
      !!reg && isLoopbackIp(reg.hostname) && withoutPort(reg) === withoutPort(req) && sameRawShape(r, requested, req)
    )
  })
}

function parseHttp(uri: string): URL | undefined {
  try {
    const url = new URL(uri)
    return url.protocol === 'http:' && !url.username && !url.password ? url : undefined
  } catch {
    return undefined
  }
}

function withoutPort(url: URL): string {
  return `${url.protocol}//${url.hostname}${url.pathname}${url.search}`
}

/** The raw string must be exactly scheme://host[:port]/…, so parser normalisation cannot smuggle anything. */
function sameRawShape(registered: string, requested: string, req: URL): boolean {
  const portPart = req.port ? `:${req.port}` : ''
  const expected = registered.replace(/^(http:\/\/(?:127\.0\.0\.1|\[::1\]))(:\d+)?/, `$1${portPart}`)
  return expected === requested
}
