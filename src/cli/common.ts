/**
 * @module
 * The settings flags, and opening the database from them without writing where the operator did not
 * mean to: commands that only read or change existing rows refuse a missing database; commands that
 * may start a new one say so on stderr with its full path.
 */
import { accessSync, constants, existsSync, readFileSync, rmSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { ConfigError, loadConfig, SETTINGS, type Config } from '../config.ts'
import { openProvider, type Provider } from '../provider.ts'
import { storageUnavailable } from '../store/faults.ts'
import { postgresHasSchema, storeTarget } from '../store/open.ts'
import { describeFlags, type Flag, type Flags } from './args.ts'
import type { CliIO } from './io.ts'

type Setting = keyof typeof SETTINGS

/**
 * Help for every setting: [placeholder, what it does, default]. A new setting fails the type check
 * until it has one.
 */
const SETTING_HELP = {
  db: ['FILE', 'SQLite database file', './latchkey.db'],
  databaseUrl: ['URL', 'postgres://… or sqlite:FILE; wins over --db', ''],
  dbPoolSize: ['N', 'PostgreSQL connections per instance', '10'],
  host: ['H', 'listen address (an IP address or host name)', '127.0.0.1'],
  port: ['P', 'listen port, 1-65535', '9000'],
  issuer: ['URL', 'public issuer URL', 'http://localhost:<port>'],
  accessTokenTtl: ['S', 'access token lifetime, seconds', '7200'],
  refreshTokenTtl: ['S', 'refresh token lifetime', '2592000'],
  codeTtl: ['S', 'authorization code lifetime', '600'],
  idTokenTtl: ['S', 'ID token lifetime', '3600'],
  sessionTtl: ['S', 'login session lifetime', '1209600'],
  deviceCodeTtl: ['S', 'device code lifetime (RFC 8628)', '300'],
  deviceInterval: ['S', 'device polling interval', '5'],
  passwordGrant: ['[B]', 'allow the password grant at all; bare means true', 'true'],
  trustedProxies: ['IPS', 'proxies whose X-Forwarded-For is believed', 'none'],
  graphqlIntrospection: ['[B]', 'GraphQL schema introspection for admins; bare means true', 'true'],
  graphiql: ['[B]', 'GraphiQL, from the binary, for administrators at /admin/graphiql; bare means true', 'false'],
  logLevel: ['L', 'debug|info|warn|error|silent', 'info'],
  metrics: ['M', '/metrics: loopback|on|off', 'loopback'],
  metricsPort: ['P', 'serve /metrics on its own port', 'same port'],
  metricsHost: ['H', 'address of that metrics port', '127.0.0.1'],
  shutdownTimeout: ['S', 'drain deadline on SIGTERM', '10'],
  purgeInterval: ['S', 'purge dead rows every S seconds; 0 = off', '300'],
  purgeBatchSize: ['N', 'rows per purge statement', '500'],
  auditRetention: ['S', 'keep audit events this long', '7776000'],
  passwordConcurrency: ['N', 'Argon2id hashes at once; more queue, then 503', '0 = half the cores'],
  forwardAuthRules: ['FILE', 'JSON rules for /forward-auth (docs/forward-auth.md)', 'none: endpoints answer 404'],
  sessionCookieDomain: ['D', 'session cookie Domain, for forward auth on hosts under D', 'host-only'],
  instanceName: ['NAME', "this instance's name on the sign-in and account pages", 'Latchkey'],
  logo: ['FILE', 'logo on every page (.svg .png .jpg .gif .webp, <= 256 KiB), read at start-up', 'built-in'],
  registrationPolicy: ['P', 'who may register clients at /oauth/register (RFC 7591): off|token|open', 'off'],
  registrationPurgeAfter: ['S', 'delete self-registered clients that got no token within S seconds', '86400'],
  metadataDocuments: ['[B]', 'accept https URLs as client_id: client ID metadata documents; bare means true', 'true'],
  metadataDocumentAllowHosts: ['HOSTS', 'host:port list whose documents may be on loopback/private/non-443', 'none'],
  metadataDocumentCaFile: ['FILE', 'extra PEM CAs trusted when fetching metadata documents', 'system CAs only'],
  metadataDocumentScopes: ['S', 'scopes a metadata document client may ask for', 'openid profile email offline_access'],
} as const satisfies Record<Setting, readonly [string, string, string]>

const BARE = new Set<Setting>(['passwordGrant', 'graphqlIntrospection', 'graphiql', 'metadataDocuments'])

function settingFlag(key: Setting): Flag {
  const [value, help, fallback] = SETTING_HELP[key]
  return {
    type: 'string',
    value,
    bare: BARE.has(key),
    help: `${help}  ${SETTINGS[key].env}${fallback ? ` (${fallback})` : ''}`,
  }
}

function settingFlags(keys: readonly Setting[]): Flags {
  return Object.fromEntries(keys.map((k) => [SETTINGS[k].flag, settingFlag(k)]))
}

const CONFIG_FLAG: Flags = {
  config: { type: 'string', value: 'FILE', help: 'JSON file with the same settings in camelCase  LATCHKEY_CONFIG' },
}

/** What every management command accepts: where the database is. */
export const DATABASE_FLAGS: Flags = { ...settingFlags(['db', 'databaseUrl']), ...CONFIG_FLAG }
/** What `serve` accepts: every setting. */
export const SERVER_FLAGS: Flags = { ...settingFlags(Object.keys(SETTINGS) as Setting[]), ...CONFIG_FLAG }

const PRECEDENCE = '(flag, then environment, then --config JSON file, then default)'
export const DATABASE_HELP = `Database ${PRECEDENCE}:\n${describeFlags(DATABASE_FLAGS)}`
export const SERVER_HELP = `Settings ${PRECEDENCE}:\n${describeFlags(SERVER_FLAGS)}`

/** The configuration from flags, the environment and the --config file; relative paths are taken from `io.cwd`. */
export function configFrom(values: Record<string, unknown>, io: CliIO): Config {
  const config = loadConfig({
    flags: values,
    env: io.env,
    readFile: (path) => readFileSync(resolve(io.cwd, path), 'utf8'),
  })
  const url = config.databaseUrl
  const sqliteUrl = url !== undefined && storeTarget(config).engine === 'sqlite'
  return Object.freeze({
    ...config,
    db: resolve(io.cwd, config.db),
    ...(sqliteUrl && { databaseUrl: `sqlite:${resolve(io.cwd, url.replace(/^sqlite:(\/\/)?/i, ''))}` }),
  })
}

/** The setting that names the database, as the operator would fix it. */
export function databaseSetting(config: Config): string {
  return config.databaseUrl === undefined ? '--db / LATCHKEY_DB' : '--database-url / LATCHKEY_DATABASE_URL'
}

/**
 * `existing`: the command reads or changes rows that must already be there, so a missing SQLite file
 * is an error, never a new database. `create`: a missing file is created, and stderr says where.
 */
export type DatabaseAccess = 'existing' | 'create'

/** Something to tell the operator about the database: a line on stderr, or a log line under `serve`. */
export interface DatabaseNotice {
  level: 'info' | 'warn'
  /** The log message; `text` is the same for a terminal. */
  msg: string
  text: string
  fields: Record<string, unknown>
}

/**
 * Checks the database before it is opened; says when it will be created or is open to others. On
 * PostgreSQL the database itself must exist; `existing` also needs Latchkey's schema in it already.
 */
export async function checkDatabase(
  config: Config,
  access: DatabaseAccess,
  files: FileAccess = NODE_FILES,
): Promise<DatabaseNotice[]> {
  const target = storeTarget(config)
  if (target.engine === 'postgres') return checkPostgres(config, target.url, access)
  return checkSqliteFile(target.path, databaseSetting(config), access, files)
}

async function checkPostgres(config: Config, url: string, access: DatabaseAccess): Promise<DatabaseNotice[]> {
  if (await naming(config, () => postgresHasSchema(url))) return []
  const where = maskedUrl(url)
  if (access === 'existing')
    throw new ConfigError(
      `no Latchkey schema in the database at ${where}: this command does not create one; ` +
        `point ${databaseSetting(config)} at the server's database (or run latchkey migrate first)`,
    )
  const text = `creating the Latchkey schema in ${where}`
  return [{ level: 'info', msg: 'creating the Latchkey schema', text, fields: { db: where } }]
}

/** What checkSqliteFile asks of the file system; both throw as node:fs does (`code` EACCES, ENOENT, …). */
export interface FileAccess {
  stat(path: string): { isDirectory(): boolean; mode: number }
  access(path: string, mode: number): void
}
const NODE_FILES: FileAccess = { stat: statSync, access: accessSync }

/**
 * The SQLite file's checks. A file or folder this user may not use is said to be so, never reported
 * missing, and nothing is announced as created that could not be.
 */
export function checkSqliteFile(
  path: string,
  setting: string,
  access: DatabaseAccess,
  files: FileAccess = NODE_FILES,
): DatabaseNotice[] {
  const found = statIfPresent(files, path, setting)
  if (found?.isDirectory()) throw new ConfigError(`${path} is a folder, not a database file (${setting})`)
  if (found) {
    if (!allowed(files, path, constants.R_OK | constants.W_OK))
      throw new ConfigError(`${path} is not readable and writable by this user; run as its owner (${setting})`)
    return sharedFileNotices(path, found.mode)
  }
  if (access === 'existing')
    throw new ConfigError(
      `no database at ${path}: this command does not create one; point ${setting} at the server's database`,
    )
  const folder = dirname(path)
  if (!statIfPresent(files, folder, setting))
    throw new ConfigError(`cannot create the database at ${path}: the folder ${folder} does not exist (${setting})`)
  if (!allowed(files, folder, constants.W_OK | constants.X_OK))
    throw new ConfigError(
      `cannot create the database at ${path}: the folder ${folder} is not writable by this user (${setting})`,
    )
  return [
    { level: 'info', msg: 'creating a new database', text: `creating a new database at ${path}`, fields: { db: path } },
  ]
}

/** The file's status, or undefined when there is none; a folder on the way this user may not enter is said so. */
function statIfPresent(files: FileAccess, path: string, setting: string): ReturnType<FileAccess['stat']> | undefined {
  try {
    return files.stat(path)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    if (code === 'EACCES' || code === 'EPERM')
      throw new ConfigError(
        `cannot reach ${path}: its folder ${dirname(path)} (or one above it) is not readable by this user (${setting})`,
      )
    throw new ConfigError(`cannot check ${path}: ${(e as Error).message} (${setting})`)
  }
}

function allowed(files: FileAccess, path: string, mode: number): boolean {
  try {
    files.access(path, mode)
    return true
  } catch {
    return false
  }
}

/** A warning rather than a refusal: an upgrade must not stop a deployment whose file predates 0600. */
function sharedFileNotices(path: string, fileMode: number): DatabaseNotice[] {
  const mode = fileMode & 0o777
  if ((mode & 0o077) === 0) return []
  const octal = mode.toString(8).padStart(4, '0')
  const fix = `chmod 600 ${path} ${path}-wal ${path}-shm`
  return [
    {
      level: 'warn',
      msg: 'WARNING: the database file is open to group or others; it holds password hashes and signing keys',
      text:
        `WARNING: ${path} is open to group or others (mode ${octal}); it holds password hashes and signing keys.\n` +
        `latchkey: WARNING: restrict it with: ${fix}`,
      fields: { db: path, mode: octal, fix },
    },
  ]
}

export function printNotices(io: CliIO, notices: DatabaseNotice[]): void {
  for (const n of notices) io.stderr.write(`latchkey: ${n.text}\n`)
}

/** Opens the provider on the configured database; a database that cannot be opened is named with its setting. */
export async function openDatabase(config: Config, io: CliIO, access: DatabaseAccess): Promise<Provider> {
  printNotices(io, await checkDatabase(config, access))
  return naming(config, () => openProvider(config, { logger: { log() {} } }))
}

/**
 * Runs `open` (which opens and migrates the database), turning its failure into a sentence naming
 * the database and its setting.
 */
export async function naming<T>(config: Config, open: () => Promise<T>): Promise<T> {
  try {
    return await open()
  } catch (e) {
    throw (
      busy(config, e) ??
      new ConfigError(
        `cannot open or migrate the database ${describeTarget(config)} (${databaseSetting(config)}): ` +
          `${(e as Error)?.message ?? e}`,
      )
    )
  }
}

/** A locked or unreachable database (store/faults.ts) as a sentence naming it; undefined for anything else. */
export function busy(config: Config, e: unknown): ConfigError | undefined {
  if (e instanceof ConfigError) return undefined
  const fault = storageUnavailable(e)
  return (
    fault &&
    new ConfigError(
      `the database ${describeTarget(config)} is busy or unavailable (${fault.reason}): another process may hold ` +
        `it locked, or its server is down; try again in a moment (${databaseSetting(config)})`,
    )
  )
}

export async function withProvider<T>(
  config: Config,
  io: CliIO,
  access: DatabaseAccess,
  run: (p: Provider) => Promise<T>,
): Promise<T> {
  const fresh = newSqliteFile(config)
  try {
    await using provider = await openDatabase(config, io, access)
    return await run(provider)
  } catch (e) {
    // A command that fails leaves no database it made itself behind (`scope import` refused, say).
    if (fresh && existsSync(fresh)) {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(fresh + suffix, { force: true })
      io.stderr.write(`latchkey: removed the new database at ${fresh} again, as the command failed\n`)
    }
    throw busy(config, e) ?? e
  }
}

/** The SQLite file this command would create, or undefined when it exists already (or the store is PostgreSQL). */
function newSqliteFile(config: Config): string | undefined {
  const target = storeTarget(config)
  return target.engine === 'sqlite' && !existsSync(target.path) ? target.path : undefined
}

/** The database in words, without a PostgreSQL password. */
export function describeTarget(config: Config): string {
  const target = storeTarget(config)
  return target.engine === 'sqlite' ? `at ${target.path}` : `at ${maskedUrl(target.url)}`
}

/** A PostgreSQL URL to show, with the password replaced by ***. */
function maskedUrl(raw: string): string {
  try {
    const url = new URL(raw)
    if (url.password) url.password = '***'
    return url.toString()
  } catch {
    return '(a PostgreSQL URL that does not parse)'
  }
}
