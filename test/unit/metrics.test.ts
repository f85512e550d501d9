/**
 * The hand-kept request and query series (src/metrics-series.ts) render as Prometheus text the
 * way prom-client's own Counter and Histogram do: cumulative buckets, +Inf, _sum and _count.
 */
import { describe, expect, test } from 'bun:test'
import { createMetrics } from '../../src/metrics.ts'

describe('metrics exposition', () => {
  test('a histogram series has cumulative buckets, +Inf, _sum and _count; counters count per label set', async () => {
    const m = createMetrics()
    for (const s of [0.0004, 0.003, 0.003, 7]) m.observeRequest('/oauth/token', 'POST', 200, s)
    m.observeRequest('/oauth/token', 'POST', 400, 0.001)
    m.oauthError('invalid_grant')
    m.observeQuery('insert', 0.0003, true)
    const text = await m.render()
    const value = (prefix: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(prefix))!
          .split(' ')
          .at(-1),
      )
    const ok = 'latchkey_http_request_duration_seconds_bucket{route="/oauth/token",method="POST",status="200",'
    expect(value(`${ok}le="0.0005"}`)).toBe(1)
    expect(value(`${ok}le="0.005"}`)).toBe(3)
    expect(value(`${ok}le="5"}`)).toBe(3)
    expect(value(`${ok}le="+Inf"}`)).toBe(4)
    expect(value('latchkey_http_request_duration_seconds_count{route="/oauth/token",method="POST",status="200"}')).toBe(
      4,
    )
    expect(
      value('latchkey_http_request_duration_seconds_sum{route="/oauth/token",method="POST",status="200"}'),
    ).toBeCloseTo(7.0064, 6)
    expect(value('latchkey_http_requests_total{route="/oauth/token",method="POST",status="200"}')).toBe(4)
    expect(value('latchkey_http_requests_total{route="/oauth/token",method="POST",status="400"}')).toBe(1)
    expect(value('latchkey_oauth_errors_total{error="invalid_grant"}')).toBe(1)
    expect(value('latchkey_db_query_errors_total{operation="insert"}')).toBe(1)
    expect(text).toContain('# TYPE latchkey_http_request_duration_seconds histogram')
    expect(text).toContain('# TYPE latchkey_http_requests_total counter')
    // Nothing issued: no series.
    expect(text.split('\n').some((l) => l.startsWith('latchkey_tokens_issued_total'))).toBe(false)
  })
})
