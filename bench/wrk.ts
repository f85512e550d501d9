/**
 * @module
 * Drives one timed run with wrk (1 thread, 32 connections, --latency) and reads the server's CPU
 * time from /proc/<pid>/stat (utime + stime, in clock ticks) before and after it, so every figure
 * is "server CPU µs per request" measured from outside the server, the same way for both sides.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export interface RunResult {
  requests: number
  seconds: number
  rps: number
  p50Ms: number
  p99Ms: number
  /** Responses that were not 2xx/3xx, plus socket errors and timeouts. */
  errors: number
  cpuUsPerRequest: number
  rssMb: number
}

export interface WrkRequest {
  url: string
  script: 'static.lua' | 'feed.lua'
  env: Record<string, string>
  seconds: number
  connections?: number
}

const TICKS_PER_SECOND = Number(Bun.spawnSync(['getconf', 'CLK_TCK']).stdout.toString().trim()) || 100

/** utime + stime of a process, in clock ticks (proc(5), fields 14 and 15). */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return Math.round(Number(kb ?? 0) / 1024)
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 }
function toMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim())
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : NaN
}

/** Reads wrk's text report (wrk 4.x). */
export function parseWrk(out: string): Omit<RunResult, 'cpuUsPerRequest' | 'rssMb'> {
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(out)
  if (!total) throw new Error(`could not read wrk output:\n${out}`)
  const requests = Number(total[1])
  const seconds = toMs(`${total[2]}${total[3]}`) / 1000
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0)
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  const socketErrors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0
  const pct = (p: string) => toMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '')
  return {
    requests,
    seconds,
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    p50Ms: pct('50'),
    p99Ms: pct('99'),
    errors: non2xx + socketErrors,
  }
}

export async function runWrk(pid: number, req: WrkRequest): Promise<RunResult> {
  const args = [
    'wrk',
    '-t1',
    `-c${req.connections ?? 32}`,
    `-d${req.seconds}s`,
    '--timeout',
    '10s',
    '--latency',
    '-s',
    join(import.meta.dir, 'wrk', req.script),
    req.url,
  ]
  const before = cpuTicks(pid)
  const proc = Bun.spawn(args, { env: { ...process.env, ...req.env }, stdout: 'pipe', stderr: 'pipe' })
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  const ticks = cpuTicks(pid) - before
  if (code !== 0) throw new Error(`wrk exited with ${code}: ${err}`)
  const parsed = parseWrk(out)
  const cpuUs = (ticks / TICKS_PER_SECOND) * 1e6
  return { ...parsed, cpuUsPerRequest: parsed.requests ? Math.round(cpuUs / parsed.requests) : NaN, rssMb: rssMb(pid) }
}
