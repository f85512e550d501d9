/** The overview: counts, and sign-ins, tokens issued and failures per day as a small SVG chart. */
import { gql } from '../api.ts'
import { Empty, Loading, useLoad } from '../ui.tsx'

export interface Day {
  date: string
  signIns: number
  tokensIssued: number
  failures: number
}

export interface Stats {
  users: number
  applications: number
  groups: number
  activeTokens: number
  days: Day[]
}

const SERIES = [
  ['signIns', 'Sign-ins', 'series-a'],
  ['tokensIssued', 'Tokens issued', 'series-b'],
  ['failures', 'Failures (sign-in and token)', 'series-c'],
] as const

export async function loadOverview(): Promise<Stats> {
  const data = await gql<{ overview: Stats }>(
    `query { overview(days: 14) { users applications groups activeTokens
      days { date signIns tokensIssued failures } } }`,
  )
  return data.overview
}

export function Overview() {
  const stats = useLoad(loadOverview, [])
  return (
    <>
      <h1>Overview</h1>
      <Loading of={stats}>
        {(s) => (
          <>
            <ul class="cards">
              <Card label="Applications" value={s.applications} link="#/applications" />
              <Card label="Users" value={s.users} link="#/users" />
              <Card label="Groups" value={s.groups} link="#/groups" />
              <Card label="Live tokens" value={s.activeTokens} link="#/tokens" />
            </ul>
            {s.applications === 0 && (
              <Empty title="Start here: register your first application.">
                <p>
                  An application is a website or program whose users sign in with Latchkey. Open{' '}
                  <a href="#/applications">Applications</a> and register it with the address users return to after
                  signing in; then create the <a href="#/users">users</a> who will sign in.
                </p>
              </Empty>
            )}
            <section aria-labelledby="chart-title">
              <h2 id="chart-title">The last {s.days.length} days</h2>
              <Chart days={s.days} />
            </section>
          </>
        )}
      </Loading>
    </>
  )
}

function Card(props: { label: string; value: number; link: string }) {
  return (
    <li class="card">
      <a href={props.link}>
        <span class="count" data-testid={`count-${props.label}`}>
          {props.value}
        </span>
        <span class="label">{props.label}</span>
      </a>
    </li>
  )
}

/** Grouped bars, one group per day; the same numbers as a table for screen readers. */
export function Chart(props: { days: Day[] }) {
  const { days } = props
  const W = 640
  const H = 200
  const left = 36
  const bottom = 24
  const top = 8
  const max = Math.max(1, ...days.flatMap((d) => SERIES.map(([k]) => d[k])))
  const step = Math.max(1, niceStep(max))
  const ceiling = Math.ceil(max / step) * step
  const y = (v: number) => top + (H - top - bottom) * (1 - v / ceiling)
  const slot = (W - left) / Math.max(1, days.length)
  const bar = Math.max(2, (slot - 6) / SERIES.length)
  const ticks = Array.from({ length: Math.round(ceiling / step) + 1 }, (_, i) => i * step)
  const total = (k: (typeof SERIES)[number][0]) => days.reduce((n, d) => n + d[k], 0)
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Over ${days.length} days: ${SERIES.map(([k, label]) => `${total(k)} ${label.toLowerCase()}`).join(', ')}.`}
      >
        {ticks.map((t) => (
          <g key={t}>
            <line class="grid" x1={left} x2={W} y1={y(t)} y2={y(t)} />
            <text class="axis" x={left - 6} y={y(t) + 4} text-anchor="end">
              {t}
            </text>
          </g>
        ))}
        {days.map((d, i) => (
          <g key={d.date}>
            {SERIES.map(([k, label, cls], j) => (
              <rect
                key={k}
                class={cls}
                x={left + i * slot + 3 + j * bar}
                y={y(d[k])}
                width={bar - 1}
                height={Math.max(0, H - bottom - y(d[k]))}
              >
                <title>{`${d.date}: ${d[k]} ${label.toLowerCase()}`}</title>
              </rect>
            ))}
            {(days.length <= 14 || i % 2 === 0) && (
              <text class="axis" x={left + i * slot + slot / 2} y={H - 6} text-anchor="middle">
                {d.date.slice(5)}
              </text>
            )}
          </g>
        ))}
      </svg>
      <figcaption class="legend">
        {SERIES.map(([k, label, cls]) => (
          <span key={k}>
            <svg viewBox="0 0 10 10" class="swatch" aria-hidden="true">
              <rect class={cls} width="10" height="10" />
            </svg>
            {label} ({total(k)})
          </span>
        ))}
      </figcaption>
      <table class="sr">
        <caption>Per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {SERIES.map(([k, label]) => (
              <th scope="col" key={k}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.date}>
              <th scope="row">{d.date}</th>
              {SERIES.map(([k]) => (
                <td key={k}>{d[k]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  )
}

function niceStep(max: number): number {
  const raw = max / 4
  const p = 10 ** Math.floor(Math.log10(raw))
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? p * 10
}
