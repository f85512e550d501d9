/**
 * @module
 * Turns the runs into the medians, the markdown table, the JSON record and a hand-written SVG
 * chart of the Latchkey/peer ratios.
 */
import type { RunResult } from './wrk.ts'

export type Server = 'latchkey' | 'peer'
export interface Run extends RunResult {
  dataset: string
  scenario: string
  server: Server
  round: number
}
export interface Median {
  rps: number
  cpuUsPerRequest: number
  p50Ms: number
  p99Ms: number
  errors: number
  rssMb: number
  rounds: number
}
export interface SummaryRow {
  dataset: string
  scenario: string
  label: string
  latchkey: Median | null
  peer: Median | null
  /** Latchkey req/s ÷ peer req/s. */
  rpsRatio: number | null
  /** Peer CPU µs/req ÷ Latchkey CPU µs/req (above 1: Latchkey spends less CPU per request). */
  cpuRatio: number | null
  note?: string
}

const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (!s.length) return NaN
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

export function medianOf(runs: Run[]): Median | null {
  if (!runs.length) return null
  const m = (k: keyof RunResult) => median(runs.map((r) => r[k]))
  return {
    rps: m('rps'),
    cpuUsPerRequest: m('cpuUsPerRequest'),
    p50Ms: m('p50Ms'),
    p99Ms: m('p99Ms'),
    errors: runs.reduce((a, r) => a + r.errors, 0),
    rssMb: Math.max(...runs.map((r) => r.rssMb)),
    rounds: runs.length,
  }
}

const f0 = (x: number | undefined) =>
  x === undefined || !Number.isFinite(x) ? '–' : Math.round(x).toLocaleString('en')
const fms = (x: number | undefined) =>
  x === undefined || !Number.isFinite(x) ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(0)
const fx = (x: number | null) => (x === null || !Number.isFinite(x) ? '–' : `${x.toFixed(2)}×`)

export function markdownTable(rows: SummaryRow[]): string {
  const lines = [
    '| Scenario | DB | Latchkey req/s | CPU µs/req | p50 ms | p99 ms |' +
      ' Peer req/s | CPU µs/req | p50 ms | p99 ms | req/s ratio | CPU ratio |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ]
  for (const r of rows) {
    const l = r.latchkey
    const p = r.peer
    const err = (m: Median | null) => (m?.errors ? ` (${m.errors} errors)` : '')
    lines.push(
      `| ${r.label}${r.note ? ` ¹` : ''} | ${r.dataset} | ${f0(l?.rps)}${err(l)}` +
        ` | ${f0(l?.cpuUsPerRequest)} | ${fms(l?.p50Ms)} | ${fms(l?.p99Ms)}` +
        ` | ${f0(p?.rps)}${err(p)}` +
        ` | ${f0(p?.cpuUsPerRequest)} | ${fms(p?.p50Ms)} | ${fms(p?.p99Ms)}` +
        ` | ${fx(r.rpsRatio)} | ${fx(r.cpuRatio)} |`,
    )
  }
  const notes = [...new Set(rows.filter((r) => r.note).map((r) => `${r.label}: ${r.note}`))]
  if (notes.length) lines.push('', ...notes.map((n) => `¹ ${n}`))
  return lines.join('\n')
}

/** Latchkey's throughput on the big database as a share of the empty one, per scenario. */
export function retentionTable(rows: SummaryRow[], empty: string, full: string): string {
  const lines = [`| Scenario | Latchkey req/s (${empty}) | req/s (${full}) | kept |`, '|---|--:|--:|--:|']
  for (const r of rows.filter((x) => x.dataset === empty && x.latchkey)) {
    const big = rows.find((x) => x.dataset === full && x.scenario === r.scenario)?.latchkey
    if (!big) continue
    lines.push(
      `| ${r.label} | ${f0(r.latchkey!.rps)} | ${f0(big.rps)} | ${Math.round((big.rps / r.latchkey!.rps) * 100)}% |`,
    )
  }
  return lines.join('\n')
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Two bars per scenario and database: req/s ratio and CPU ratio, on a linear scale with a 1× line. */
export function ratioChart(rows: SummaryRow[], title: string): string {
  const data = rows.filter((r) => r.rpsRatio !== null && r.cpuRatio !== null)
  const max = Math.max(2, ...data.flatMap((r) => [r.rpsRatio!, r.cpuRatio!]))
  const scaleMax = Math.ceil(max)
  const left = 250
  const width = 520
  const rowH = 34
  const top = 56
  const height = top + data.length * rowH + 40
  const x = (v: number) => left + (v / scaleMax) * width
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 60}"` +
      ` height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
    '<rect x="10" y="30" width="12" height="10" fill="#2b6cb0"/>' +
      '<text x="26" y="39">req/s: Latchkey ÷ oidc-provider</text>',
    '<rect x="230" y="30" width="12" height="10" fill="#dd6b20"/>' +
      '<text x="246" y="39">CPU per request: oidc-provider ÷ Latchkey</text>',
  ]
  for (let t = 0; t <= scaleMax; t++) {
    parts.push(
      `<line x1="${x(t)}" y1="${top - 4}" x2="${x(t)}" y2="${height - 34}"` +
        ` stroke="${t === 1 ? '#000' : '#ddd'}" stroke-width="${t === 1 ? 1.5 : 1}"/>`,
    )
    parts.push(`<text x="${x(t)}" y="${height - 20}" text-anchor="middle">${t}×</text>`)
  }
  data.forEach((r, i) => {
    const y = top + i * rowH
    parts.push(`<text x="${left - 8}" y="${y + 17}" text-anchor="end">${esc(`${r.label} (${r.dataset})`)}</text>`)
    parts.push(
      `<rect x="${left}" y="${y + 3}" width="${x(r.rpsRatio!) - left}" height="12" fill="#2b6cb0"/>` +
        `<text x="${x(r.rpsRatio!) + 4}" y="${y + 13}">${r.rpsRatio!.toFixed(2)}×</text>`,
    )
    parts.push(
      `<rect x="${left}" y="${y + 16}" width="${x(r.cpuRatio!) - left}" height="12" fill="#dd6b20"/>` +
        `<text x="${x(r.cpuRatio!) + 4}" y="${y + 26}">${r.cpuRatio!.toFixed(2)}×</text>`,
    )
  })
  parts.push('</svg>')
  return parts.join('\n')
}
