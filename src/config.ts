/**
 * @module
 * Configuration, parsed once: flags, then LATCHKEY_* environment variables, then an optional JSON
 * config file, then defaults. The result is a frozen, typed object passed down explicitly; nothing
 * else in src/ reads process.env.
 */
import { isIP } from 'node:net'
import { z } from 'zod'
import { parseForwardAuthRules, type ForwardAuthRules } from './forward-auth-rules.ts'

const seconds = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .positive()
    .max(10 * 365 * 86400)
    .default(fallback)
/** Booleans from flags, env or file: true/false/1/0 (z.coerce.boolean would read "false" as true). */
const flag = (fallback: boolean) =>
  z
    .union([z.boolean(), z.enum(['true', 'false', '1', '0'])], { error: 'must be true or false (or 1 / 0)' })
    .transform((v) => v === true || v === 'true' || v === '1')
    .default(fallback)
/** An address to listen on: an IP address (IPv6 without brackets) or a host name. */
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/
const host = (fallback: string) =>
  z
    .string()
    .refine(
      (v) => isIP(v) !== 0 || HOST_NAME.test(v),
      'must be an IP address (e.g. 127.0.0.1, 0.0.0.0, ::) or a host name',
    )
    // Digits and dots only read as an IPv4 address, never as a host name to look up (`999.1.1.1`).
    .refine((v) => isIP(v) !== 0 || !/^[\d.]+$/.test(v), {
      error: (issue) => `${issue.input} is not a valid address (an IPv4 address has four numbers from 0 to 255)`,
    })
    .default(fallback)
/** Port 0 (any free port) is for code that builds its configuration itself, never from a flag, variable or file. */
const port = () => z.coerce.number().int().min(0).max(65535)

export const ConfigSchema = z
  .object({
    host: host('127.0.0.1'),
    port: port().default(9000),
    db: z.string().min(1).default('./latchkey.db'),
    /** postgres://… selects PostgreSQL; sqlite:FILE or a plain path selects SQLite. Wins over `db` when set. */
    databaseUrl: z
      .string()
      .min(1)
      .refine(
        (v) =>
          !/^[a-z][a-z0-9+.-]*:/i.test(v) ||
          /^(postgres|postgresql):\/\//i.test(v) ||
          /^sqlite:/i.test(v) ||
          /^[a-z]:[\\/]/i.test(v),
        'must be postgres://…, sqlite:FILE or a file path',
      )
      .optional(),
    /** Connections each instance may open to PostgreSQL (SQLite uses one). */
    dbPoolSize: z.coerce.number().int().min(1).max(1000).default(10),
    issuer: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
    accessTokenTtl: seconds(7200),
    refreshTokenTtl: seconds(30 * 86400),
    codeTtl: seconds(600),
    idTokenTtl: seconds(3600),
    sessionTtl: seconds(14 * 86400),
    deviceCodeTtl: seconds(300),
    deviceInterval: seconds(5),
    passwordGrant: flag(true),
    logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    /** Proxies whose X-Forwarded-For is believed (comma-separated IP addresses); none by default. */
    trustedProxies: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(z.union([z.ipv4(), z.ipv6()], { error: 'must be IP addresses separated by commas' })))
      .default([]),
    /** Schema introspection for authenticated /graphql callers (unauthenticated ones get 401 first). */
    graphqlIntrospection: flag(true),
    graphiql: flag(false),
    metrics: z.enum(['loopback', 'on', 'off']).default('loopback'),
    metricsPort: port().optional(),
    metricsHost: host('127.0.0.1'),
    shutdownTimeout: seconds(10),
    purgeInterval: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 86400)
      .default(300),
    purgeBatchSize: z.coerce.number().int().min(1).max(10_000).default(500),
    auditRetention: seconds(90 * 86400),
    /**
     * Argon2id hashes/verifications run at once (each one core and 19 MiB while it runs); more wait in a
     * short queue, beyond it sign-ins get 503. 0 = half the cores, at least 1.
     */
    passwordConcurrency: z.coerce.number().int().min(0).max(256).default(0),
    /** A JSON file of forward-auth rules (issue 16); without it the forward-auth endpoints answer 404. */
    forwardAuthRules: z.string().min(1).optional(),
    /**
     * The Domain of the session cookie, so hosts under it (behind forward auth) receive it too; host-only
     * (no Domain) by default.
     */
    sessionCookieDomain: z
      .string()
      .transform((d) => d.toLowerCase())
      .refine((d) => HOST_NAME.test(d) && d.includes('.'), 'must be a domain name such as example.com (no dot first)')
      .optional(),
    /** Issue 17: the instance's name on every page (titles, the card's header). */
    instanceName: z
      .string()
      .trim()
      .min(1)
      .max(64)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
      .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters')
      .default('Latchkey'),
    /** Issue 17: an image file shown on every page, read once at start-up; a built-in logo without it. */
    logo: z.string().min(1).optional(),
    /**
     * Issue 18, RFC 7591: who may register a client at /oauth/register. off: nobody (no registration_endpoint
     * in discovery); token: whoever holds an initial access token an administrator made; open: anyone, but
     * only public clients with PKCE, the authorization-code grant and scopes open to self-registration.
     */
    registrationPolicy: z.enum(['off', 'token', 'open']).default('off'),
    /** Self-registered clients that have not obtained tokens this long after registering are deleted. */
    registrationPurgeAfter: seconds(86400),
    /**
     * Issue 18: a client_id that is an https URL is fetched as the client's metadata document
     * (draft-ietf-oauth-client-id-metadata-document), what Model Context Protocol clients use. On by default.
     */
    metadataDocuments: flag(true),
    /**
     * host:port pairs whose metadata documents may be fetched although they are on another port than 443 or
     * resolve to a loopback or private address (for testing, or a client on the operator's own network).
     */
    metadataDocumentAllowHosts: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean))
      .pipe(z.array(z.string().refine(isHostPort, 'must be host:port pairs separated by commas, e.g. app.test:8443')))
      .default([]),
    /** A PEM file of certificate authorities trusted for metadata documents besides the system's (for testing). */
    metadataDocumentCaFile: z.string().min(1).optional(),
    /** The scopes a client known only by its metadata document may ask for (within the document's `scope`). */
    metadataDocumentScopes: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (Array.isArray(v) ? v : v.split(/[\s,]+/)).map((s) => s.trim()).filter(Boolean))
      .default(['openid', 'profile', 'email', 'offline_access']),
  })
  .strict()
  .transform((c) => ({ ...c, issuer: (c.issuer ?? `http://localhost:${c.port}`).replace(/\/+$/, '') }))
  // RFC 6265 §5.3 step 6: a browser drops a cookie whose Domain does not cover the host that set it.
  .refine(
    (c) => c.sessionCookieDomain === undefined || domainCovers(c.sessionCookieDomain, new URL(c.issuer).hostname),
    { error: "the issuer's host must be the session cookie domain or under it", path: ['sessionCookieDomain'] },
  )

/** `host:port` with a host name, an IPv4 address or a bracketed IPv6 address, and a port from 1 to 65535. */
function isHostPort(v: string): boolean {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(v)
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) return false
  const host = m[1]!
  return host.startsWith('[') ? isIP(host.slice(1, -1)) === 6 : isIP(host) === 4 || HOST_NAME.test(host)
}

function domainCovers(domain: string, host: string): boolean {
  return host === domain || host.endsWith(`.${domain}`)
}

/** A logo as served at /assets/logo. */
export interface LogoImage {
  bytes: Uint8Array<ArrayBuffer>
  contentType: string
}

/** The forward-auth rules, the CA file and the logo, read from the files their settings name, once at start-up. */
export type Config = Readonly<
  z.output<typeof ConfigSchema> & {
    forwardAuth?: ForwardAuthRules
    /** The PEM text of `metadataDocumentCaFile`, read once at start-up (issue 18). */
    metadataDocumentCa?: string
    /** The operator's logo (`logo`), read once at start-up (issue 17). */
    logoImage?: LogoImage
  }
>
export type ConfigInput = Partial<Record<keyof z.input<typeof ConfigSchema>, unknown>>

/** The settings a flag or variable may name, with their flag and environment spellings. */
export const SETTINGS = {
  host: { flag: 'host', env: 'LATCHKEY_HOST' },
  port: { flag: 'port', env: 'LATCHKEY_PORT' },
  db: { flag: 'db', env: 'LATCHKEY_DB' },
  databaseUrl: { flag: 'database-url', env: 'LATCHKEY_DATABASE_URL' },
  dbPoolSize: { flag: 'db-pool-size', env: 'LATCHKEY_DB_POOL_SIZE' },
  issuer: { flag: 'issuer', env: 'LATCHKEY_ISSUER' },
  accessTokenTtl: { flag: 'access-token-ttl', env: 'LATCHKEY_ACCESS_TOKEN_TTL' },
  refreshTokenTtl: { flag: 'refresh-token-ttl', env: 'LATCHKEY_REFRESH_TOKEN_TTL' },
  codeTtl: { flag: 'code-ttl', env: 'LATCHKEY_CODE_TTL' },
  idTokenTtl: { flag: 'id-token-ttl', env: 'LATCHKEY_ID_TOKEN_TTL' },
  sessionTtl: { flag: 'session-ttl', env: 'LATCHKEY_SESSION_TTL' },
  deviceCodeTtl: { flag: 'device-code-ttl', env: 'LATCHKEY_DEVICE_CODE_TTL' },
  deviceInterval: { flag: 'device-interval', env: 'LATCHKEY_DEVICE_INTERVAL' },
  passwordGrant: { flag: 'password-grant', env: 'LATCHKEY_PASSWORD_GRANT' },
  logLevel: { flag: 'log-level', env: 'LATCHKEY_LOG_LEVEL' },
  trustedProxies: { flag: 'trusted-proxies', env: 'LATCHKEY_TRUSTED_PROXIES' },
  graphqlIntrospection: { flag: 'graphql-introspection', env: 'LATCHKEY_GRAPHQL_INTROSPECTION' },
  graphiql: { flag: 'graphiql', env: 'LATCHKEY_GRAPHIQL' },
  metrics: { flag: 'metrics', env: 'LATCHKEY_METRICS' },
  metricsPort: { flag: 'metrics-port', env: 'LATCHKEY_METRICS_PORT' },
  metricsHost: { flag: 'metrics-host', env: 'LATCHKEY_METRICS_HOST' },
  shutdownTimeout: { flag: 'shutdown-timeout', env: 'LATCHKEY_SHUTDOWN_TIMEOUT' },
  purgeInterval: { flag: 'purge-interval', env: 'LATCHKEY_PURGE_INTERVAL' },
  purgeBatchSize: { flag: 'purge-batch-size', env: 'LATCHKEY_PURGE_BATCH_SIZE' },
  auditRetention: { flag: 'audit-retention', env: 'LATCHKEY_AUDIT_RETENTION' },
  passwordConcurrency: { flag: 'password-concurrency', env: 'LATCHKEY_PASSWORD_CONCURRENCY' },
  forwardAuthRules: { flag: 'forward-auth-rules', env: 'LATCHKEY_FORWARD_AUTH_RULES' },
  sessionCookieDomain: { flag: 'session-cookie-domain', env: 'LATCHKEY_SESSION_COOKIE_DOMAIN' },
  instanceName: { flag: 'instance-name', env: 'LATCHKEY_INSTANCE_NAME' },
  logo: { flag: 'logo', env: 'LATCHKEY_LOGO' },
  registrationPolicy: { flag: 'registration-policy', env: 'LATCHKEY_REGISTRATION_POLICY' },
  registrationPurgeAfter: { flag: 'registration-purge-after', env: 'LATCHKEY_REGISTRATION_PURGE_AFTER' },
  metadataDocuments: { flag: 'metadata-documents', env: 'LATCHKEY_METADATA_DOCUMENTS' },
  metadataDocumentAllowHosts: { flag: 'metadata-document-allow-hosts', env: 'LATCHKEY_METADATA_DOCUMENT_ALLOW_HOSTS' },
  metadataDocumentCaFile: { flag: 'metadata-document-ca-file', env: 'LATCHKEY_METADATA_DOCUMENT_CA_FILE' },
  metadataDocumentScopes: { flag: 'metadata-document-scopes', env: 'LATCHKEY_METADATA_DOCUMENT_SCOPES' },
} as const satisfies Record<keyof ConfigInput, { flag: string; env: string }>

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export interface ConfigSources {
  flags: Record<string, unknown>
  env: Record<string, string | undefined>
  /** Reads the config file named by --config or LATCHKEY_CONFIG; injectable for tests. */
  readFile?: (path: string) => string
  /** Reads a binary file (the logo); injectable for tests. */
  readBytes?: (path: string) => Uint8Array<ArrayBuffer>
}

/** Merges the sources (flag > env > file > default) and validates the result. */
export function loadConfig({
  flags,
  env,
  readFile = defaultReadFile,
  readBytes = defaultReadBytes,
}: ConfigSources): Config {
  const filePath = (flags.config as string | undefined) ?? env.LATCHKEY_CONFIG
  const fromFile = filePath ? parseFile(filePath, readFile) : {}
  if (filePath) checkFileKeys(fromFile, filePath)
  const merged: Record<string, unknown> = { ...fromFile }
  /** How the operator would find each setting: the flag and variable, or the key in the config file. */
  const names: Record<string, string> = {}
  for (const [key, { flag, env: name }] of Object.entries(SETTINGS)) {
    const value = flags[flag] ?? env[name]
    if (value !== undefined) merged[key] = value
    names[key] = value === undefined && key in fromFile ? `"${key}" in config file ${filePath}` : `--${flag} / ${name}`
    // What an operator typed (a flag's or variable's text, or the file) is checked here; numbers from code are not.
    const typed = typeof value === 'string' ? value : value === undefined ? fromFile[key] : undefined
    const problem = typed !== undefined && operatorValueProblem(key, typed)
    if (problem) throw new ConfigError(`invalid setting ${names[key]}: ${problem}`)
  }
  const parsed = ConfigSchema.safeParse(merged)
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, names))
  const rulesFile = parsed.data.forwardAuthRules
  const forwardAuth = rulesFile ? readForwardAuthRules(rulesFile, names.forwardAuthRules!, readFile) : undefined
  const caFile = parsed.data.metadataDocumentCaFile
  const metadataDocumentCa = caFile ? readCaFile(caFile, names.metadataDocumentCaFile!, readFile) : undefined
  const logoImage = parsed.data.logo ? readLogo(parsed.data.logo, names.logo!, readBytes) : undefined
  return Object.freeze({
    ...parsed.data,
    ...(forwardAuth && { forwardAuth }),
    ...(caFile && { metadataDocumentCa }),
    ...(logoImage && { logoImage }),
  })
}

const MAX_LOGO_BYTES = 256 * 1024
/** The image types a logo may be, by file extension, with the bytes each must start with. */
const LOGO_TYPES: Record<string, { contentType: string; magic: (b: Uint8Array) => boolean }> = {
  svg: { contentType: 'image/svg+xml', magic: (b) => /<svg[\s>]/.test(new TextDecoder().decode(b.subarray(0, 4096))) },
  png: { contentType: 'image/png', magic: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47]) },
  jpg: { contentType: 'image/jpeg', magic: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  jpeg: { contentType: 'image/jpeg', magic: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  gif: { contentType: 'image/gif', magic: (b) => startsWith(b, [0x47, 0x49, 0x46, 0x38]) },
  webp: { contentType: 'image/webp', magic: (b) => startsWith(b, [0x52, 0x49, 0x46, 0x46]) },
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte)
}

/** Issue 17: the operator's logo, checked to be a small image of the type its name says. */
function readLogo(path: string, setting: string, readBytes: (p: string) => Uint8Array<ArrayBuffer>): LogoImage {
  const kind = LOGO_TYPES[path.split('.').pop()!.toLowerCase()]
  if (!kind) throw new ConfigError(`logo ${path} (${setting}): must be a .svg, .png, .jpg, .gif or .webp file`)
  let bytes: Uint8Array<ArrayBuffer>
  try {
    bytes = readBytes(path)
  } catch (e) {
    throw new ConfigError(`cannot read the logo ${path} (${setting}): ${readProblem(e)}`)
  }
  if (bytes.length > MAX_LOGO_BYTES)
    throw new ConfigError(
      `logo ${path} (${setting}): it is ${bytes.length} bytes; at most ${MAX_LOGO_BYTES} are served`,
    )
  if (!kind.magic(bytes))
    throw new ConfigError(`logo ${path} (${setting}): its content is not the ${kind.contentType} its name says`)
  return { bytes, contentType: kind.contentType }
}

function readCaFile(path: string, setting: string, readFile: (p: string) => string): string {
  let text: string
  try {
    text = readFile(path)
  } catch (e) {
    throw new ConfigError(`cannot read the metadata document CA file ${path} (${setting}): ${readProblem(e)}`)
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw new ConfigError(`metadata document CA file ${path} (${setting}) holds no PEM certificate`)
  return text
}

function readForwardAuthRules(path: string, setting: string, readFile: (p: string) => string): ForwardAuthRules {
  let text: string
  try {
    text = readFile(path)
  } catch (e) {
    throw new ConfigError(`cannot read the forward-auth rules file ${path} (${setting}): ${readProblem(e)}`)
  }
  try {
    return parseForwardAuthRules(text, path)
  } catch (e) {
    throw new ConfigError(`forward-auth rules file ${path} (${setting}): ${(e as Error).message}`)
  }
}

/** A key the file may not hold is named, with the setting it most likely meant. */
function checkFileKeys(fromFile: Record<string, unknown>, path: string): void {
  const known = Object.keys(SETTINGS)
  for (const key of Object.keys(fromFile)) {
    if (known.includes(key)) continue
    const near = nearest(key, known)
    throw new ConfigError(`unknown setting "${key}" in config file ${path}${near ? `; did you mean ${near}?` : ''}`)
  }
}

const PORTS = new Set(['port', 'metricsPort'])

/** Empty values and port 0, which the schema cannot tell from a deliberate choice made in code. */
function operatorValueProblem(key: string, value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() === '') return 'it is empty; give a value or leave the setting out'
  if (key === 'databaseUrl' && typeof value === 'string' && /^sqlite:(\/\/)?\s*$/i.test(value))
    return 'it is empty after sqlite:; name the file, as in sqlite:/var/lib/latchkey/latchkey.db'
  if (PORTS.has(key) && Number(value) === 0)
    return 'must be a port from 1 to 65535 (0 would listen on a random port that discovery cannot name)'
  return undefined
}

function parseFile(path: string, readFile: (p: string) => string): Record<string, unknown> {
  let text: string
  try {
    text = readFile(path)
  } catch (e) {
    throw new ConfigError(`cannot read config file ${path} (--config / LATCHKEY_CONFIG): ${readProblem(e)}`)
  }
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object')
    return value as Record<string, unknown>
  } catch (e) {
    throw new ConfigError(
      `config file ${path} (--config / LATCHKEY_CONFIG) is not a JSON object: ${(e as Error).message}`,
    )
  }
}

/** Why the file could not be read, in words rather than an errno. */
function readProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return 'there is no such file'
  if (code === 'EACCES' || code === 'EPERM') return 'it is not readable by this user'
  if (code === 'EISDIR') return 'it is a folder'
  return (e as Error).message
}

function describeIssues(error: z.ZodError, names: Record<string, string>): string {
  return error.issues
    .map((issue) => {
      const key = String(issue.path[0] ?? '')
      const name = names[key] ?? (key || 'config')
      return issue.code === 'unrecognized_keys'
        ? `unknown setting(s) in config file: ${issue.keys.join(', ')}`
        : `invalid setting ${name}: ${sentence(issue)}`
    })
    .join('\n')
}

/** zod's wording, made to say what would be accepted. */
function sentence(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `must be one of: ${issue.values.map(String).join(', ')}`
  if (issue.code === 'invalid_type' && issue.expected === 'number') return 'must be a whole number'
  if (issue.code === 'too_small' && issue.origin === 'number')
    return `must be ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}`
  if (issue.code === 'too_big' && issue.origin === 'number')
    return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`
  return issue.message
}

function defaultReadFile(path: string): string {
  return require('node:fs').readFileSync(path, 'utf8')
}

function defaultReadBytes(path: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(require('node:fs').readFileSync(path))
}

/** The known word a typo most likely meant, if one is close enough (a third of its letters, at least two). */
export function nearest(typed: string, known: readonly string[]): string | undefined {
  const best = known.map((k) => ({ k, d: distance(typed, k) })).sort((a, b) => a.d - b.d)[0]
  return best && best.d <= Math.max(2, Math.floor(typed.length / 3)) ? best.k : undefined
}

/** Levenshtein distance: how many single-character edits turn `a` into `b`. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    previous = row
  }
  return previous[b.length]!
}
