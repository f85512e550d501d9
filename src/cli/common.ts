/** @module Configuration flags every command accepts, and opening the provider from them. */
import { loadConfig, SETTINGS, type Config } from '../config.ts'
import { openProvider, type Provider } from '../provider.ts'
import type { Options } from './args.ts'

export const CONFIG_OPTIONS: Options = Object.fromEntries([
  ...Object.values(SETTINGS).map(({ flag }) => [flag, { type: 'string' as const }]),
  ['config', { type: 'string' as const }],
])

export const CONFIG_HELP = `Configuration (flag, then environment, then --config JSON file, then default):
  --db FILE              SQLite database file            LATCHKEY_DB       (./latchkey.db)
  --database-url URL     postgres://… or sqlite:FILE; wins over --db  LATCHKEY_DATABASE_URL
  --db-pool-size N       PostgreSQL connections per instance  LATCHKEY_DB_POOL_SIZE  (10)
  --host H               listen address                  LATCHKEY_HOST     (127.0.0.1)
  --port P               listen port                     LATCHKEY_PORT     (9000)
  --issuer URL           public issuer URL               LATCHKEY_ISSUER   (http://localhost:<port>)
  --access-token-ttl S   access token lifetime, seconds  LATCHKEY_ACCESS_TOKEN_TTL  (7200)
  --refresh-token-ttl S  refresh token lifetime          LATCHKEY_REFRESH_TOKEN_TTL (2592000)
  --code-ttl S           authorization code lifetime     LATCHKEY_CODE_TTL          (600)
  --id-token-ttl S       ID token lifetime               LATCHKEY_ID_TOKEN_TTL      (3600)
  --session-ttl S        login session lifetime          LATCHKEY_SESSION_TTL       (1209600)
  --device-code-ttl S    device code lifetime (RFC 8628) LATCHKEY_DEVICE_CODE_TTL   (300)
  --device-interval S    device polling interval         LATCHKEY_DEVICE_INTERVAL   (5)
  --password-grant B     allow the password grant at all LATCHKEY_PASSWORD_GRANT    (true)
  --trusted-proxies IPS   proxies whose X-Forwarded-For is believed  LATCHKEY_TRUSTED_PROXIES (none)
  --log-level L          debug|info|warn|error|silent    LATCHKEY_LOG_LEVEL         (info)
  --metrics M            /metrics: loopback|on|off       LATCHKEY_METRICS           (loopback)
  --metrics-port P       serve /metrics on its own port  LATCHKEY_METRICS_PORT      (same port)
  --metrics-host H       address of that metrics port    LATCHKEY_METRICS_HOST      (127.0.0.1)
  --shutdown-timeout S   drain deadline on SIGTERM       LATCHKEY_SHUTDOWN_TIMEOUT  (10)
  --purge-interval S     purge dead rows every S; 0=off  LATCHKEY_PURGE_INTERVAL    (300)
  --purge-batch-size N   rows per purge statement        LATCHKEY_PURGE_BATCH_SIZE  (500)
  --audit-retention S    keep audit events this long     LATCHKEY_AUDIT_RETENTION   (7776000)
  --password-concurrency N  Argon2id hashes at once; more queue, then 503  LATCHKEY_PASSWORD_CONCURRENCY  (0 = half the cores)
  --config FILE          JSON file with the same settings in camelCase  LATCHKEY_CONFIG`

export function configFrom(values: Record<string, unknown>): Config {
  return loadConfig({ flags: values, env: process.env })
}

export async function withProvider<T>(values: Record<string, unknown>, run: (p: Provider) => Promise<T>): Promise<T> {
  await using provider = await openProvider(configFrom(values), { logger: { log() {} } })
  return await run(provider)
}
