/**
 * Login flood (issue 5): does Argon2id starve the token endpoint? While 32 wrk connections post the
 * login form, a second wrk measures client_credentials at the token endpoint; its p99 is compared
 * with the same measurement with no login load, in alternating rounds.
 *
 *   bun bench/login-flood.ts [--seconds 10] [--rounds 3] [--users 64] [--token-connections 32]
 *                            [--password-concurrency N] [--skip-build] [--binary PATH] [--out NAME]
 *
 * The flood signs in with the RIGHT password of `--users` distinct accounts, round robin. Wrong
 * passwords from one address would trip the login limits (10 failures per username, 50 per IP per
 * 15 minutes, src/services/shared/rate-limits.ts) within a second and turn the flood into cheap 429s that
 * never reach Argon2id; right passwords are never counted, so every request that gets a slot costs a
 * full verification, plus a session INSERT — the worst case for the server, with no limit lifted.
 */
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binary, log, machine, option, RESULTS, serve } from './binary.ts'
import { prepareLatchkey } from './latchkey.ts'
import { runWrk, type RunResult } from './wrk.ts'

const SECONDS = Number(option('seconds') ?? 10)
const ROUNDS = Number(option('rounds') ?? 3)
const USERS = Number(option('users') ?? 64)
const TOKEN_CONNECTIONS = Number(option('token-connections') ?? 32)
const CONCURRENCY = option('password-concurrency')
const OUT = option('out') ?? 'login-flood'
const PASSWORD = 'flood password 0123456789'

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

async function main(): Promise<void> {
  const bin = binary()
  const fixture = await prepareLatchkey(0, log)
  const started = performance.now()
  const users: string[] = []
  for (let i = 0; i < USERS; i++) {
    const username = `flood-${i}`
    await fixture.provider.services.users.create({ username, password: PASSWORD })
    users.push(username)
  }
  log(`created ${USERS} users in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  // Each 503 is logged at level error (5xx): written to /dev/null here, but still formatted and written.
  const server = await serve(bin, fixture.db, CONCURRENCY ? ['--password-concurrency', CONCURRENCY] : [], 'ignore')
  const pid = server.proc.pid
  try {
    const page = await fetch(`${server.url}/login?return_to=/`)
    const cookie = page.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(await page.text())?.[1]
    if (!csrf) throw new Error('no csrf_token on the login page')
    const template =
      `csrf_token=${encodeURIComponent(csrf)}&username={}` + `&password=${encodeURIComponent(PASSWORD)}&return_to=%2F`
    const check = await fetch(`${server.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: template.replace('{}', users[0]!),
    })
    if (check.status !== 303) throw new Error(`the login form answered ${check.status}`)
    const feed = join(fixture.dir, 'users.txt')
    writeFileSync(feed, users.join('\n'))
    const login = {
      url: `${server.url}/login`,
      script: 'feed.lua' as const,
      env: { BENCH_FEED: feed, BENCH_BODY: template, BENCH_COOKIE: cookie },
    }
    const token = {
      url: `${server.url}/oauth/token`,
      script: 'static.lua' as const,
      env: { BENCH_METHOD: 'POST', BENCH_AUTH: fixture.basicAuth, BENCH_BODY: 'grant_type=client_credentials' },
      connections: TOKEN_CONNECTIONS,
    }

    await runWrk(pid, { ...token, seconds: 2 }) // warm-up
    await runWrk(pid, { ...login, seconds: 2 })
    const unloaded: RunResult[] = []
    const loaded: RunResult[] = []
    const floods: RunResult[] = []
    for (let round = 0; round < ROUNDS; round++) {
      unloaded.push(await runWrk(pid, { ...token, seconds: SECONDS }))
      // The flood starts first and ends after the token run, so the whole token run is under load.
      const flood = runWrk(pid, { ...login, seconds: SECONDS + 2 })
      await Bun.sleep(1000)
      loaded.push(await runWrk(pid, { ...token, seconds: SECONDS }))
      floods.push(await flood)
      const [u, l, f] = [unloaded.at(-1)!, loaded.at(-1)!, floods.at(-1)!]
      log(
        `round ${round + 1}: token p99 ${u.p99Ms} ms unloaded` +
          `, ${l.p99Ms} ms under the flood (${(l.p99Ms / u.p99Ms).toFixed(2)}×)` +
          `; token ${Math.round(u.rps)} → ${Math.round(l.rps)} req/s` +
          `; logins ${Math.round(f.rps)} req/s, ${f.errors} of ${f.requests} answered 503`,
      )
    }
    const m = (runs: RunResult[], k: keyof RunResult) => median(runs.map((r) => r[k] as number))
    const ratio = m(loaded, 'p99Ms') / m(unloaded, 'p99Ms')
    const fmt = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0))
    const loginOk = floods.map((f) => (f.requests - f.errors) / f.seconds)
    const md = [
      `# Login flood — ${new Date().toISOString()}`,
      '',
      `Command: \`bun bench/login-flood.ts ${process.argv.slice(2).join(' ')}\`.`,
      `Machine: ${machine()}. Password concurrency: ${CONCURRENCY ?? 'default (0 = half the cores)'}.`,
      `Load: client_credentials with wrk -t1 -c${TOKEN_CONNECTIONS}, ${SECONDS} s;` +
        ` the flood: wrk -t1 -c32 POST /login with the right password of ${USERS} users, round robin.` +
        ` Medians of ${ROUNDS} alternating rounds.`,
      '',
      '| token endpoint | req/s | p50 ms | p99 ms |',
      '|---|--:|--:|--:|',
      `| alone | ${Math.round(m(unloaded, 'rps')).toLocaleString('en')}` +
        ` | ${fmt(m(unloaded, 'p50Ms'))} | ${fmt(m(unloaded, 'p99Ms'))} |`,
      `| during the login flood | ${Math.round(m(loaded, 'rps')).toLocaleString('en')}` +
        ` | ${fmt(m(loaded, 'p50Ms'))} | ${fmt(m(loaded, 'p99Ms'))} |`,
      '',
      `Token p99 under the flood: **${ratio.toFixed(2)}×** the unloaded p99 (target ≤ 2×).`,
      `Login flood: ${Math.round(m(floods, 'rps'))} answers/s, of which ${Math.round(median(loginOk))}/s` +
        ' signed in (303) and the rest were 503 + Retry-After (queue full);' +
        ` login p50 ${fmt(m(floods, 'p50Ms'))} ms, p99 ${fmt(m(floods, 'p99Ms'))} ms;` +
        ` server CPU ${Math.round(m(floods, 'cpuUsPerRequest')).toLocaleString('en')} µs per login answer.`,
    ].join('\n')
    writeFileSync(join(RESULTS, `${OUT}.md`), md + '\n')
    writeFileSync(
      join(RESULTS, `${OUT}.json`),
      JSON.stringify(
        {
          date: new Date().toISOString(),
          argv: process.argv.slice(2),
          machine: machine(),
          passwordConcurrency: CONCURRENCY ?? 'default',
          unloaded,
          loaded,
          floods,
          p99Ratio: ratio,
        },
        null,
        2,
      ) + '\n',
    )
    console.log(md)
  } finally {
    await server.stop()
    await fixture.provider.close()
    rmSync(fixture.dir, { recursive: true, force: true })
  }
}

await main()
