/**
 * @module
 * Counters and histograms for the per-request and per-query metrics, kept in plain numbers and
 * handed to prom-client's registry as custom metrics (its `registerMetric` takes any object with
 * `get()`), which renders them on scrape like its own. Why not prom-client's Counter and Histogram
 * here: they validate and hash the label object on every observation, children included, which
 * showed up on the token path (several observations per request). Series are looked up by one
 * string key; label sets are bounded by the callers (routes from the table, known methods and
 * operations, HTTP statuses, protocol error codes).
 */
import type { Registry } from 'prom-client'

type Labels = Record<string, string>
interface Value {
  value: number
  labels: Labels
  metricName?: string
}

interface Registered {
  name: string
  help: string
  type: 'counter' | 'histogram'
}

function register(registry: Registry, metric: Registered & { values(): Value[] }): void {
  const { name, help, type } = metric
  registry.registerMetric({
    name,
    help,
    type,
    get: async () => ({ name, help, type, values: metric.values(), aggregator: 'sum' }),
  } as never)
}

export interface FastCounter {
  inc(key: string, labels: () => Labels): void
}

export function fastCounter(registry: Registry, name: string, help: string): FastCounter {
  const series = new Map<string, { labels: Labels; value: number }>()
  register(registry, {
    name,
    help,
    type: 'counter',
    values: () => [...series.values()].map(({ labels, value }) => ({ labels, value })),
  })
  return {
    inc(key, labels) {
      const s = series.get(key)
      if (s) s.value++
      else series.set(key, { labels: labels(), value: 1 })
    },
  }
}

export interface FastHistogram {
  observe(key: string, labels: () => Labels, value: number): void
}

export function fastHistogram(
  registry: Registry,
  name: string,
  help: string,
  buckets: readonly number[],
): FastHistogram {
  const series = new Map<string, { labels: Labels; counts: Float64Array; sum: number; count: number }>()
  const values = (): Value[] =>
    [...series.values()].flatMap(({ labels, counts, sum, count }) => {
      let cumulative = 0
      const out: Value[] = buckets.map((le, i) => {
        cumulative += counts[i]!
        return { metricName: `${name}_bucket`, labels: { ...labels, le: String(le) }, value: cumulative }
      })
      out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count })
      out.push({ metricName: `${name}_sum`, labels, value: sum }, { metricName: `${name}_count`, labels, value: count })
      return out
    })
  register(registry, { name, help, type: 'histogram', values })
  return {
    observe(key, labels, value) {
      let s = series.get(key)
      if (!s) {
        s = { labels: labels(), counts: new Float64Array(buckets.length), sum: 0, count: 0 }
        series.set(key, s)
      }
      // Buckets are few (≤ 13): a linear scan beats a binary search at this size.
      for (let i = 0; i < buckets.length; i++) {
        if (value <= buckets[i]!) {
          s.counts[i]!++
          break
        }
      }
      s.sum += value
      s.count++
    },
  }
}
