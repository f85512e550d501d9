/**
 * The compiled binary as an operator runs it: on a database file that outlives the process, so a
 * test can stop it (SIGTERM, SIGKILL), look at the file, and start it again.
 */
import { Database } from 'bun:sqlite'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../src/config.ts'
import { openProvider } from '../../src/provider.ts'
import { buildBinary } from '../helpers/binary.ts'
import { seed, type Client } from '../helpers/fixtures.ts'
import { basic } from '../helpers/oauth.ts'
import { freePort } from '../helpers/server.ts'

export interface Served {
  url: string
  proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>
  logs: string[]
  /** Resolves when the process has exited and its output is read. */
  exited: Promise<number>
}

/** A folder with a database seeded with users and clients, and `codes` unredeemed authorization codes for C1. */
export async function prepare(codes: number) {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-ops-'))
  const db = join(dir, 'latchkey.db')
  const config = loadConfig({ flags: { db }, env: {} })
  await using provider = await openProvider(config, { logger: { log() {} } })
  const f = await seed(provider.services)
  const app = (await provider.services.applications.findByClientId(f.C1.clientId))!
  // The user's consent, as the consent page records it: a code outlives neither it nor its user.
  await provider.services.grants.approve(f.alice.id, app.id, ['read_user'], null)
  const issued: string[] = []
  for (let i = 0; i < codes; i++) {
    issued.push(
      await provider.services.codes.issue({
        applicationId: app.id,
        userId: f.alice.id,
        redirectUri: f.C1.redirectUri,
        redirectUriSent: true,
        scopes: ['read_user'],
        codeChallenge: null,
        codeChallengeMethod: null,
        nonce: null,
        authTime: Math.floor(Date.now() / 1000),
      }),
    )
  }
  return { dir, db, f, codes: issued, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Starts `latchkey serve` on `db` and waits for /healthz. */
export async function serve(db: string, args: string[] = []): Promise<Served> {
  const bin = await buildBinary()
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('LATCHKEY_')) env[k] = v
  const proc = Bun.spawn(
    [bin, 'serve', '--db', db, '--host', '127.0.0.1', '--port', String(port), '--issuer', url, ...args],
    { env, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' },
  )
  const logs: string[] = []
  const read = async (stream: ReadableStream<Uint8Array>) => {
    const text = await new Response(stream).text()
    logs.push(...text.split('\n').filter(Boolean))
  }
  const exited = Promise.all([read(proc.stdout), read(proc.stderr)]).then(() => proc.exited)
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`latchkey serve exited early:\n${logs.join('\n')}`)
    const up = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    )
    if (up) return { url, proc, logs, exited }
    await Bun.sleep(50)
  }
  proc.kill('SIGKILL')
  throw new Error('latchkey serve did not start')
}

export type Outcome =
  | { kind: 'token'; token: string }
  | { kind: 'refused'; code: string }
  | { kind: 'bad'; detail: string }

/** Redeems one code; a 200 must carry a whole JSON token response, anything else must be a refused connection. */
export async function redeem(url: string, client: Client, code: string): Promise<Outcome> {
  let res: Response
  try {
    res = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: basic(client.clientId, client.secret!),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri }),
    })
  } catch (e) {
    return { kind: 'refused', code: String((e as { code?: string }).code ?? (e as Error).message) }
  }
  let text: string
  try {
    text = await res.text()
  } catch (e) {
    // The status line arrived but the body did not: a truncated response.
    return { kind: 'bad', detail: `${res.status} with a cut body: ${(e as Error).message}` }
  }
  if (res.status !== 200) return { kind: 'bad', detail: `${res.status} ${text.slice(0, 200)}` }
  try {
    const body = JSON.parse(text) as { access_token?: unknown }
    if (typeof body.access_token === 'string') return { kind: 'token', token: body.access_token }
  } catch {}
  return { kind: 'bad', detail: `200 without a token: ${text.slice(0, 200)}` }
}

/** Runs `work` over `items` with `concurrency` workers; `onEach` sees every result as it lands. */
export async function pool<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
  onEach: (r: R, done: number) => void = () => {},
): Promise<R[]> {
  const results: R[] = []
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const r = await work(items[next++]!)
      results.push(r)
      onEach(r, results.length)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return results
}

export function integrityCheck(path: string): string {
  const db = new Database(path, { readonly: true })
  try {
    return db
      .query<{ integrity_check: string }, []>('pragma integrity_check')
      .all()
      .map((r) => r.integrity_check)
      .join('; ')
  } finally {
    db.close()
  }
}

/** Introspects every token with the resource server's credentials; returns those not active. */
export async function inactive(url: string, rs: Client, tokens: string[]): Promise<string[]> {
  const results = await pool(tokens, 16, async (token) => {
    const res = await fetch(`${url}/oauth/introspect`, {
      method: 'POST',
      headers: { Authorization: basic(rs.clientId, rs.secret!), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }),
    })
    return ((await res.json()) as { active: boolean }).active ? null : token
  })
  return results.filter((t): t is string => t !== null)
}
