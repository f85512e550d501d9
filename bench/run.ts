/**
 * Side-by-side benchmark: Latchkey (the compiled binary) against panva/oidc-provider 9 on Node,
 * both on loopback, driven by wrk with alternating A/B runs. See bench/README.md.
 *
 *   bun bench/run.ts [--quick] [--rounds N] [--seconds S] [--tokens N] [--peer-prefill N]
 *                    [--only a,b] [--datasets empty,1M] [--skip-build] [--binary PATH] [--out NAME]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { mintLatchkey, prepareLatchkey, REDIRECT_URI, VERIFIER, type LatchkeyFixture } from './latchkey.ts'
import { PEER_REDIRECT_URI, startPeer, type Peer } from './peer.ts'
import {
  markdownTable,
  medianOf,
  ratioChart,
  retentionTable,
  type Run,
  type Server,
  type SummaryRow,
} from './report.ts'
import { runWrk, type WrkRequest } from './wrk.ts'

const ROOT = join(import.meta.dir, '..')
const RESULTS = join(import.meta.dir, 'results')

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? undefined : process.argv[i + 1]
}
const QUICK = process.argv.includes('--quick')
const ROUNDS = Number(option('rounds') ?? (QUICK ? 1 : 3))
const SECONDS = Number(option('seconds') ?? (QUICK ? 2 : 3))
const LIVE_TOKENS = Number(option('tokens') ?? 1_000_000)
const PEER_PREFILL = Number(option('peer-prefill') ?? 200_000)
const ONLY = option('only')?.split(',')
const DATASETS = (option('datasets') ?? 'empty,1M').split(',')
/** Another build to measure (for before/after comparisons); implies --skip-build. */
const BINARY = option('binary') ?? join(ROOT, 'dist', 'latchkey')
const OUT = option('out') ?? 'latest'

const log = (s: string) => console.error(`[bench] ${s}`)

interface Env {
  latchkey: LatchkeyFixture
  lkUrl: string
  peer: Peer
  feedDir: string
}
type Target = Omit<WrkRequest, 'seconds'> | { skip: string }
interface Scenario {
  id: string
  label: string
  /** One-use credentials: each run gets a fresh pool of `n` (refresh tokens, codes). */
  feed?: boolean
  latchkey(env: Env, n: number): Promise<Target>
  peer?(env: Env, n: number): Promise<Target>
  note?: string
  seconds?: number
}

const post = (url: string, auth: string, body: string): Omit<WrkRequest, 'seconds'> => ({
  url,
  script: 'static.lua',
  env: { BENCH_METHOD: 'POST', BENCH_AUTH: auth, BENCH_BODY: body },
})
const get = (url: string, auth = ''): Omit<WrkRequest, 'seconds'> => ({
  url,
  script: 'static.lua',
  env: { BENCH_METHOD: 'GET', BENCH_AUTH: auth, BENCH_BODY: '' },
})

/** Writes a pool of one-use values, checks the first one by hand, and feeds wrk the rest. */
async function feed(
  env: Env,
  server: Server,
  values: string[],
  url: string,
  auth: string,
  template: string,
): Promise<Target> {
  const [first, ...rest] = values
  const res = await fetch(url, {
    method: 'POST',
    headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: template.replaceAll('{}', first!),
  })
  if (res.status !== 200)
    throw new Error(`${server} ${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`)
  const file = join(env.feedDir, `${server}.txt`)
  writeFileSync(file, rest.join('\n'))
  return { url, script: 'feed.lua', env: { BENCH_FEED: file, BENCH_AUTH: auth, BENCH_BODY: template } }
}

const REFRESH_BODY = 'grant_type=refresh_token&refresh_token={}'
const codeBody = (redirectUri: string) =>
  `grant_type=authorization_code&code={}&redirect_uri=${encodeURIComponent(redirectUri)}&code_verifier=${VERIFIER}`
const GRAPHQL_QUERY = '{ applications(first: 50) { edges { node { clientId name activeTokenCount } } } }'

const SCENARIOS: Scenario[] = [
  {
    id: 'client_credentials',
    label: 'client_credentials',
    latchkey: async (e) => post(`${e.lkUrl}/oauth/token`, e.latchkey.basicAuth, 'grant_type=client_credentials'),
    peer: async (e) => post(`${e.peer.url}/token`, e.peer.basicAuth, 'grant_type=client_credentials'),
  },
  {
    id: 'introspection',
    label: 'introspection (live opaque token)',
    latchkey: async (e) =>
      post(`${e.lkUrl}/oauth/introspect`, e.latchkey.basicAuth, `token=${e.latchkey.introspectToken}`),
    peer: async (e) =>
      post(`${e.peer.url}/token/introspection`, e.peer.basicAuth, `token=${(await e.peer.mint('access', 1))[0]}`),
  },
  {
    id: 'refresh',
    label: 'refresh_token, rotation, no ID token',
    feed: true,
    latchkey: async (e, n) =>
      feed(
        e,
        'latchkey',
        await mintLatchkey(e.latchkey, 'refresh', n),
        `${e.lkUrl}/oauth/token`,
        e.latchkey.basicAuth,
        REFRESH_BODY,
      ),
    peer: async (e, n) =>
      feed(e, 'peer', await e.peer.mint('refresh', n), `${e.peer.url}/token`, e.peer.basicAuth, REFRESH_BODY),
  },
  {
    id: 'refresh_id',
    label: 'refresh_token, rotation, RS256 ID token',
    feed: true,
    latchkey: async (e, n) =>
      feed(
        e,
        'latchkey',
        await mintLatchkey(e.latchkey, 'refresh-id', n),
        `${e.lkUrl}/oauth/token`,
        e.latchkey.basicAuth,
        REFRESH_BODY,
      ),
    peer: async (e, n) =>
      feed(e, 'peer', await e.peer.mint('refresh-id', n), `${e.peer.url}/token`, e.peer.basicAuth, REFRESH_BODY),
  },
  {
    id: 'authorization_code',
    label: 'authorization_code + PKCE (RS256 ID token)',
    feed: true,
    latchkey: async (e, n) =>
      feed(
        e,
        'latchkey',
        await mintLatchkey(e.latchkey, 'code', n),
        `${e.lkUrl}/oauth/token`,
        e.latchkey.basicAuth,
        codeBody(REDIRECT_URI),
      ),
    peer: async (e, n) =>
      feed(
        e,
        'peer',
        await e.peer.mint('code', n),
        `${e.peer.url}/token`,
        e.peer.basicAuth,
        codeBody(PEER_REDIRECT_URI),
      ),
  },
  {
    id: 'userinfo',
    label: 'userinfo',
    latchkey: async (e) => get(`${e.lkUrl}/oauth/userinfo`, `Bearer ${e.latchkey.userinfoToken}`),
    peer: async (e) => get(`${e.peer.url}/me`, `Bearer ${(await e.peer.mint('access', 1))[0]}`),
  },
  {
    id: 'jwks',
    label: 'JWKS',
    latchkey: async (e) => get(`${e.lkUrl}/oauth/discovery/keys`),
    peer: async (e) => get(`${e.peer.url}/jwks`),
  },
  {
    id: 'discovery',
    label: 'discovery',
    latchkey: async (e) => get(`${e.lkUrl}/.well-known/openid-configuration`),
    peer: async (e) => get(`${e.peer.url}/.well-known/openid-configuration`),
  },
  {
    id: 'graphql_apps',
    label: 'GraphQL: 50 applications + token counts',
    note: 'Latchkey only: oidc-provider has no admin API.',
    async latchkey(e) {
      const body = JSON.stringify({ query: GRAPHQL_QUERY })
      const res = await fetch(`${e.lkUrl}/graphql`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${e.latchkey.adminToken}`, 'Content-Type': 'application/json' },
        body,
      })
      if (res.status === 404) return { skip: 'skipped: /graphql answered 404 (the GraphQL API is not in this build)' }
      const json = (await res.json().catch(() => ({}))) as {
        data?: { applications?: { edges?: unknown[] } }
        errors?: Array<{ message: string }>
      }
      if (res.status !== 200 || json.errors || json.data?.applications?.edges?.length !== 50)
        return {
          skip:
            `skipped: /graphql answered ${res.status}` +
            ` ${JSON.stringify(json.errors?.[0]?.message ?? json).slice(0, 200)}`,
        }
      return {
        url: `${e.lkUrl}/graphql`,
        script: 'static.lua',
        env: {
          BENCH_METHOD: 'POST',
          BENCH_AUTH: `Bearer ${e.latchkey.adminToken}`,
          BENCH_BODY: body,
          BENCH_CONTENT_TYPE: 'application/json',
        },
      }
    },
  },
  {
    id: 'login',
    label: 'login form (Argon2id)',
    seconds: 4,
    note:
      'Latchkey only: oidc-provider leaves the login form (interactions) to the host application.' +
      ' Bound by Argon2id, so a handful per second is expected.',
    async latchkey(e) {
      const page = await fetch(`${e.lkUrl}/login?return_to=/`)
      const cookie = page.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ')
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(await page.text())?.[1]
      if (!csrf) return { skip: 'skipped: no csrf_token on the login page' }
      const body = new URLSearchParams({
        csrf_token: csrf,
        username: e.latchkey.username,
        password: e.latchkey.password,
        return_to: '/',
      }).toString()
      const check = await fetch(`${e.lkUrl}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
      })
      if (check.status !== 303) return { skip: `skipped: the login form answered ${check.status}` }
      return {
        url: `${e.lkUrl}/login`,
        script: 'static.lua',
        env: { BENCH_METHOD: 'POST', BENCH_COOKIE: cookie, BENCH_BODY: body },
      }
    },
  },
]

async function freePort(): Promise<number> {
  const s = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = s.port!
  await s.stop(true)
  return port
}

async function startLatchkey(db: string) {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const store = db.startsWith('postgres') ? ['--database-url', db] : ['--db', db]
  const proc = Bun.spawn([BINARY, 'serve', '--port', String(port), ...store, '--issuer', url, '--log-level', 'warn'], {
    stdout: 'inherit',
    stderr: 'inherit',
  })
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${url}/healthz`)
        .then((r) => r.ok)
        .catch(() => false)
    )
      return { proc, url }
    await Bun.sleep(100)
  }
  throw new Error('Latchkey did not start')
}

/** Checks a GET/POST target answers 2xx/3xx before it is timed. */
async function check(t: Omit<WrkRequest, 'seconds'>, server: Server): Promise<void> {
  if (t.script !== 'static.lua') return
  const headers: Record<string, string> = {}
  if (t.env.BENCH_AUTH) headers.Authorization = t.env.BENCH_AUTH
  if (t.env.BENCH_COOKIE) headers.Cookie = t.env.BENCH_COOKIE
  if (t.env.BENCH_BODY) headers['Content-Type'] = t.env.BENCH_CONTENT_TYPE ?? 'application/x-www-form-urlencoded'
  const res = await fetch(t.url, {
    method: t.env.BENCH_METHOD,
    headers,
    body: t.env.BENCH_BODY || undefined,
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  })
  if (res.status >= 400)
    throw new Error(`${server} ${t.url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`)
}

/** One dataset's pair of servers, both up for the whole run. */
interface OpenDataset {
  dataset: string
  env: Env
  pids: Record<Server, number>
  close(): Promise<void>
}

async function openDataset(dataset: string, liveTokens: number): Promise<OpenDataset> {
  log(`dataset ${dataset}: preparing Latchkey (${liveTokens.toLocaleString('en')} live tokens)`)
  const latchkey = await prepareLatchkey(liveTokens, log)
  const lk = await startLatchkey(latchkey.db)
  const peer = await startPeer(await freePort())
  const feedDir = join(latchkey.dir, 'feeds')
  mkdirSync(feedDir)
  const env: Env = { latchkey, lkUrl: lk.url, peer, feedDir }
  const close = async () => {
    lk.proc.kill()
    await lk.proc.exited
    await peer.stop()
    await latchkey.provider.close()
    rmSync(latchkey.dir, { recursive: true, force: true })
  }
  try {
    if (liveTokens > 0 && PEER_PREFILL > 0) {
      const started = performance.now()
      await peer.mint('filler', PEER_PREFILL)
      log(
        `prefilled the peer with ${PEER_PREFILL.toLocaleString('en')} live tokens` +
          ` in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      )
    }
    // Warm both up (JIT, connection handling) before anything is timed.
    for (const [pid, t] of [
      [lk.proc.pid, await SCENARIOS[0]!.latchkey(env, 0)],
      [peer.proc.pid, await SCENARIOS[0]!.peer!(env, 0)],
    ] as const)
      if (!('skip' in t)) await runWrk(pid, { ...t, seconds: 2 })
  } catch (error) {
    await close()
    throw error
  }
  return { dataset, env, pids: { latchkey: lk.proc.pid, peer: peer.proc.pid }, close }
}

/**
 * Every dataset's servers stay up together, and each scenario's rounds alternate over the datasets
 * as well as over the two servers: the empty and the 1M figures are taken seconds apart, so the
 * machine's drift over a run does not show up as a cost of holding a million tokens.
 */
async function runAll(runs: Run[], notes: Map<string, string>): Promise<void> {
  const opened: OpenDataset[] = []
  try {
    for (const dataset of DATASETS) opened.push(await openDataset(dataset, dataset === 'empty' ? 0 : LIVE_TOKENS))
    const expected: Record<string, number> = {}
    const stopped = new Set<string>()
    for (const s of SCENARIOS.filter((x) => !ONLY || ONLY.includes(x.id))) {
      const seconds = s.seconds ?? SECONDS
      for (let round = 0; round < ROUNDS; round++) {
        const datasets = round % 2 === 0 ? opened : [...opened].reverse()
        const order: Server[] = round % 2 === 0 ? ['latchkey', 'peer'] : ['peer', 'latchkey']
        for (const { dataset, env, pids } of datasets) {
          if (stopped.has(`${dataset}/${s.id}`)) continue
          for (const server of order) {
            const make = server === 'latchkey' ? s.latchkey : s.peer
            if (!make) continue
            // Pool size: 1.5× what the last run of this pair used, or a generous first guess.
            const key = `${dataset}/${s.id}/${server}`
            const n = s.feed ? Math.ceil((expected[key] ?? 8000) * seconds * 1.5) + 500 : 0
            const target = await make(env, n)
            if ('skip' in target) {
              notes.set(s.id, target.skip)
              log(`${s.id}: ${target.skip}`)
              continue
            }
            await check(target, server)
            const r = await runWrk(pids[server], { ...target, seconds })
            expected[key] = r.rps
            runs.push({ ...r, dataset, scenario: s.id, server, round })
            if (r.requests === 0) {
              // Every request took longer than the run: more rounds would only queue more of them.
              notes.set(
                `${dataset}/${s.id}`,
                `no request completed within a ${seconds} s run on the ${dataset} database`,
              )
              stopped.add(`${dataset}/${s.id}`)
            }
            log(
              `${dataset} ${s.id} ${server} round ${round + 1}: ${Math.round(r.rps)} req/s,` +
                ` ${r.cpuUsPerRequest} µs CPU/req,` +
                ` p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms${r.errors ? `, ${r.errors} ERRORS` : ''}`,
            )
          }
        }
      }
    }
  } finally {
    for (const d of opened) await d.close()
  }
}

function version(cmd: string[]): string {
  const r = Bun.spawnSync(cmd)
  return (r.stdout.toString() + r.stderr.toString()).split('\n')[0]!.trim()
}

async function main(): Promise<void> {
  const started = Date.now()
  if (!Bun.which('wrk')) throw new Error('wrk is not installed: apt-get install -y wrk (see bench/README.md)')
  if (!process.argv.includes('--skip-build') && !option('binary')) {
    log('building dist/latchkey')
    const b = Bun.spawnSync(['npm', 'run', 'build'], { cwd: ROOT, stdout: 'inherit', stderr: 'inherit' })
    if (b.exitCode !== 0) throw new Error('npm run build failed')
  }
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
    bun: Bun.version,
    node: version(['node', '--version']),
    wrk: version(['wrk', '--version']).split(' [')[0],
  }
  const runs: Run[] = []
  const notes = new Map<string, string>()
  await runAll(runs, notes)
  const rows: SummaryRow[] = []
  for (const dataset of DATASETS)
    for (const s of SCENARIOS.filter((x) => !ONLY || ONLY.includes(x.id))) {
      const pick = (server: Server) =>
        medianOf(runs.filter((r) => r.dataset === dataset && r.scenario === s.id && r.server === server))
      const l = pick('latchkey')
      const p = pick('peer')
      const note = [notes.get(s.id) ?? s.note, notes.get(`${dataset}/${s.id}`)].filter(Boolean).join('; ') || undefined
      rows.push({
        dataset,
        scenario: s.id,
        label: s.label,
        latchkey: l,
        peer: p,
        ...(note ? { note } : {}),
        rpsRatio: l && p ? l.rps / p.rps : null,
        cpuRatio: l && p ? p.cpuUsPerRequest / l.cpuUsPerRequest : null,
      })
    }
  const command = `npm run bench --${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`
  const config = {
    rounds: ROUNDS,
    seconds: SECONDS,
    threads: 1,
    connections: 32,
    liveTokens: LIVE_TOKENS,
    peerPrefill: PEER_PREFILL,
    datasets: DATASETS,
  }
  const machineNote =
    `${machine.cores} × ${machine.cpu},` +
    ` load average ${machine.loadAverageAtStart.join(' ')} at start;` +
    ` Bun ${machine.bun}, Node ${machine.node}, ${machine.wrk}`
  const md = [
    `# Latchkey vs oidc-provider — ${new Date().toISOString()}`,
    '',
    `Command: \`${command}\`` +
      ` (${ROUNDS} rounds of ${SECONDS} s per scenario, alternating the servers and the databases;` +
      ' wrk 1 thread, 32 connections; medians).',
    `Machine: ${machineNote}.`,
    'Databases: "empty";' +
      ` "1M" = Latchkey holding ${LIVE_TOKENS.toLocaleString('en')} live tokens,` +
      ` the peer's in-memory store ${PEER_PREFILL.toLocaleString('en')}.`,
    process.env.BENCH_DATABASE_URL
      ? 'Latchkey store: PostgreSQL (BENCH_DATABASE_URL) on this machine;' +
        ' its CPU µs/req counts the Latchkey process only, not the PostgreSQL server.'
      : 'Latchkey store: SQLite file (WAL).',
    '',
    'req/s ratio = Latchkey ÷ peer;' +
      ' CPU ratio = peer CPU µs/req ÷ Latchkey CPU µs/req (above 1× Latchkey is better on both).',
    '',
    markdownTable(rows),
    '',
    DATASETS.length > 1
      ? `Latchkey throughput kept with ${DATASETS[1]} live tokens:` +
        `\n\n${retentionTable(rows, DATASETS[0]!, DATASETS[1]!)}\n`
      : '',
    `Took ${Math.round((Date.now() - started) / 1000)} s.`,
  ].join('\n')
  mkdirSync(RESULTS, { recursive: true })
  writeFileSync(join(RESULTS, `${OUT}.md`), md + '\n')
  writeFileSync(
    join(RESULTS, `${OUT}.json`),
    JSON.stringify({ date: new Date().toISOString(), command, machine, config, summary: rows, runs }, null, 2) + '\n',
  )
  writeFileSync(
    join(RESULTS, `${OUT}.svg`),
    ratioChart(rows, `Latchkey vs oidc-provider 9 (${new Date().toISOString().slice(0, 10)}, ${machine.cores} cores)`) +
      '\n',
  )
  console.log(md)
  log(`wrote bench/results/${OUT}.{md,json,svg}`)
}

await main()
