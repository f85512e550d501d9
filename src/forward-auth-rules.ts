/**
 * @module
 * Forward-auth rules (issue 16): which hosts and paths a reverse proxy may let through, and to whom.
 * A JSON file named by `--forward-auth-rules`, read and validated once at start-up (config.ts), then
 * matched per request. Pure: no I/O, nothing from src/. The first rule matching host, path and method
 * decides; a request no rule matches is refused (deny by default).
 */
import { z } from 'zod'

/** A host name, or `*.` and a suffix of at least one label (one or more labels deep: not the apex). */
const HOST_PATTERN = /^(\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/
/** RFC 9110 §9.1: a method is a token; proxies send it in capitals. */
const METHOD = /^[A-Z][A-Z-]{0,31}$/
/** RFC 6749 §3.3 scope-token. */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/

const Rule = z
  .object({
    host: z
      .string()
      .transform((h) => h.toLowerCase())
      .refine((h) => HOST_PATTERN.test(h), 'must be a host name or *.suffix (no scheme, port or path)'),
    path: z
      .string()
      .min(1)
      .transform((source, ctx) => {
        try {
          return new RegExp(source)
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: `is not a valid regular expression: ${(e as Error).message}` })
          return z.NEVER
        }
      }),
    methods: z
      .array(
        z
          .string()
          .transform((m) => m.toUpperCase())
          .refine((m) => METHOD.test(m), 'must be HTTP methods'),
      )
      .min(1, 'must name at least one method, or be left out for every method')
      .optional(),
    groups: z.array(z.string().min(1)).min(1, 'must name at least one group, or be left out').optional(),
    scopes: z
      .array(z.string().regex(SCOPE, 'must be scope names'))
      .min(1, 'must name at least one scope, or be left out')
      .optional(),
    public: z.boolean().optional(),
  })
  .strict()
  .refine((r) => !(r.public && (r.groups || r.scopes)), 'a public rule lets anyone through: drop groups and scopes')

const RulesFile = z
  .object({ rules: z.array(Rule).min(1, 'must hold at least one rule (with none, every request is refused)') })
  .strict()

export type ForwardAuthRule = z.output<typeof Rule>
export interface ForwardAuthRules {
  /** The file they came from, for messages. */
  file: string
  rules: readonly ForwardAuthRule[]
}

/** What a proxy asks about: the original request's host (no port), path with `?query`, and method. */
export interface OriginalRequest {
  host: string
  target: string
  method: string
}

/**
 * Parses a rules file's text; a mistake is thrown as an Error naming the rule's index and field
 * (`rules[2].path: is not a valid regular expression`).
 */
export function parseForwardAuthRules(text: string, file: string): ForwardAuthRules {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new Error(`is not JSON: ${(e as Error).message}`)
  }
  const parsed = RulesFile.safeParse(json)
  if (!parsed.success) throw new Error(parsed.error.issues.map(describe).join('; '))
  return { file, rules: parsed.data.rules }
}

function describe(issue: z.core.$ZodIssue): string {
  const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')
  const field = where.replace(/^\./, '') || 'the file'
  if (issue.code === 'unrecognized_keys') return `${field}: unknown field(s) ${issue.keys.join(', ')}`
  if (issue.code === 'invalid_type')
    return `${field}: must be ${issue.expected === 'array' ? 'a list' : issue.expected}`
  return `${field}: ${issue.message}`
}

/** `*.example.com` matches `a.example.com` and `a.b.example.com`, never `example.com` or `xexample.com`. */
export function hostMatches(pattern: string, host: string): boolean {
  return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern
}

/** The first rule that matches host, path and method: it decides (undefined: refused by default). */
export function findRule(rules: readonly ForwardAuthRule[], request: OriginalRequest): ForwardAuthRule | undefined {
  return rules.find(
    (r) =>
      hostMatches(r.host, request.host) &&
      r.path.test(request.target) &&
      (r.methods === undefined || r.methods.includes(request.method)),
  )
}

/**
 * Where a browser may be sent back after signing in: an absolute URL of a host some rule names, on
 * https (or http when the issuer itself is http), without userinfo. Anything else, however spelled
 * (`//evil`, `https://good@evil`, backslashes, non-ASCII, control characters), is refused: Latchkey
 * is never an open redirect (RFC 9700 §4.11).
 */
export function allowedReturnUrl(value: string, rules: readonly ForwardAuthRule[], issuer: string): URL | undefined {
  // Printable ASCII only, no backslash: what a URL parser and a browser could read differently.
  if (value.length > 8192 || !/^https?:\/\/[\x21-\x5b\x5d-\x7e]+$/i.test(value)) return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return undefined
  }
  const schemes = issuer.startsWith('http:') ? ['https:', 'http:'] : ['https:']
  if (!schemes.includes(url.protocol) || url.username !== '' || url.password !== '') return undefined
  return rules.some((r) => hostMatches(r.host, url.hostname)) ? url : undefined
}
