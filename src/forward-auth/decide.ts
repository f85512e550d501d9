/**
 * @module
 * The forward-auth decision (issue 16): what a reverse proxy asks about (its forwarded headers,
 * believed only from a trusted proxy), which rule decides (forward-auth-rules.ts), who is asking
 * (credentials.ts), and whether they may pass. The HTTP side (endpoints.ts) only translates the verdict.
 */
import type { ForwardAuthRule, ForwardAuthRules } from '../forward-auth-rules.ts'
import { findRule } from '../forward-auth-rules.ts'
import type { RequestContext } from '../handler/context.ts'
import { identify, presented, type CredentialPorts, type Identity, type Presented } from './credentials.ts'

export type Verdict =
  | { kind: 'allow'; identity?: Identity }
  /** 401; `original`: where a browser signing in would come back to, when a session could pass the rule. */
  | { kind: 'unauthenticated'; presented: Presented['kind']; reason: string; retryAfter?: number; original?: URL }
  /** 403; `missingScopes`: RFC 6750 §3.1 insufficient_scope. */
  | { kind: 'forbidden'; reason: string; missingScopes?: readonly string[] }

interface Original {
  url: URL
  method: string
}

const METHOD = /^[A-Z][A-Z-]{0,31}$/
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/

export async function decide(ctx: RequestContext<CredentialPorts>, rules: ForwardAuthRules): Promise<Verdict> {
  // The forwarded headers say which request is asked about: believed from listed proxies only.
  if (!ctx.config.trustedProxies.includes(ctx.peer))
    return forbidden(`forward auth answers only trusted proxies (--trusted-proxies); ${ctx.peer} is not one`)
  const original = originalRequest(ctx.request.headers)
  if (typeof original === 'string') return forbidden(original)
  const { url, method } = original
  const rule = findRule(rules.rules, { host: url.hostname, target: url.pathname + url.search, method })
  if (!rule) return forbidden(`no forward-auth rule lets ${method} ${url.host}${url.pathname} through`)
  if (rule.public) return { kind: 'allow' }
  const resolved = await identify(ctx, presented(ctx.request, ctx.cookies))
  if (resolved.kind === 'no-user') return forbidden(resolved.reason)
  if (resolved.kind === 'unauthenticated') {
    const { kind: _, ...rest } = resolved
    // A browser session holds no scopes: signing in cannot satisfy a rule that names some.
    return { kind: 'unauthenticated', ...rest, ...(!rule.scopes && { original: url }) }
  }
  return judge(rule, resolved.identity)
}

/** The rule's conditions: membership of one of its groups, then every scope it names. */
function judge(rule: ForwardAuthRule, identity: Identity): Verdict {
  if (rule.groups && !rule.groups.some((g) => identity.groups.includes(g)))
    return forbidden(`${identity.user.username} is in none of the groups this rule allows`)
  const held = identity.scopes ?? []
  const missingScopes = (rule.scopes ?? []).filter((s) => !held.includes(s))
  if (missingScopes.length > 0) {
    const reason =
      identity.scopes === null
        ? `a browser session holds no scopes; this needs a token with ${missingScopes.join(' ')}`
        : `the token lacks the scope ${missingScopes.join(' ')}`
    return { kind: 'forbidden', reason, missingScopes }
  }
  return { kind: 'allow', identity }
}

function forbidden(reason: string): Verdict {
  return { kind: 'forbidden', reason }
}

/**
 * The request the proxy asks about: nginx's X-Original-URL and X-Original-Method, or Traefik's and
 * Caddy's X-Forwarded-Proto, -Host, -Uri and -Method. A string says what is missing or malformed.
 */
function originalRequest(headers: Headers): Original | string {
  const method = (headers.get('x-original-method') ?? headers.get('x-forwarded-method'))?.toUpperCase()
  if (!method || !METHOD.test(method))
    return 'the proxy must send the original method (X-Original-Method or X-Forwarded-Method)'
  const url = originalUrl(headers)
  if (!url) return 'the proxy must send the original URL (X-Original-URL, or X-Forwarded-Proto, -Host and -Uri)'
  return { url, method }
}

function originalUrl(headers: Headers): URL | undefined {
  const full = headers.get('x-original-url')
  if (full !== null) return parse(full)
  const proto = headers.get('x-forwarded-proto')?.toLowerCase()
  const host = headers.get('x-forwarded-host')
  const uri = headers.get('x-forwarded-uri') ?? '/'
  if ((proto !== 'https' && proto !== 'http') || !host || !HOST.test(host) || !uri.startsWith('/')) return undefined
  return parse(`${proto}://${host}${uri}`)
}

/** An absolute http(s) URL, its path resolved (`.` and `..`) as the server behind the proxy resolves it. */
function parse(text: string): URL | undefined {
  try {
    const url = new URL(text)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined
  } catch {
    return undefined
  }
}
