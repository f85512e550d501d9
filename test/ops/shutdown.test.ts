import { describe, expect, test } from 'bun:test'
import { inactive, integrityCheck, pool, prepare, redeem, serve, type Outcome } from './support.ts'

const REQUESTS = 1500
const CONCURRENCY = 24

/** Fires every prepared code at the server and sends `signal` once `after` responses have landed. */
async function burst(
  url: string,
  codes: string[],
  client: Parameters<typeof redeem>[1],
  onSignal: () => void,
  after: number,
): Promise<Outcome[]> {
  let signalled = false
  return pool(
    codes,
    CONCURRENCY,
    (code) => redeem(url, client, code),
    (_, done) => {
      if (!signalled && done >= after) {
        signalled = true
        onSignal()
      }
    },
  )
}

function summarise(outcomes: Outcome[]) {
  return {
    tokens: outcomes.flatMap((o) => (o.kind === 'token' ? [o.token] : [])),
    refused: outcomes.filter((o) => o.kind === 'refused').length,
    bad: outcomes.flatMap((o) => (o.kind === 'bad' ? [o.detail] : [])),
  }
}

describe('graceful shutdown and crash safety (compiled binary)', () => {
  test(
    'SIGTERM mid-burst: each request gets a working token or a refused connection, ' +
      'never a 500 or a cut body; exit 0; integrity ok',
    async () => {
      using prep = await prepare(REQUESTS)
      const first = await serve(prep.db)
      const outcomes = await burst(first.url, prep.codes, prep.f.C1, () => first.proc.kill('SIGTERM'), 200)
      expect(await first.exited).toBe(0)
      const { tokens, refused, bad } = summarise(outcomes)
      expect(bad).toEqual([])
      expect(tokens.length).toBeGreaterThanOrEqual(200)
      expect(refused).toBeGreaterThan(0) // the signal did land mid-burst
      const lines = first.logs.map((l) => JSON.parse(l) as { msg: string; drained?: boolean })
      expect(lines).toContainEqual(expect.objectContaining({ msg: 'stopped', drained: true }))
      expect(integrityCheck(prep.db)).toBe('ok')

      const second = await serve(prep.db)
      try {
        expect(await inactive(second.url, prep.f.RS, tokens)).toEqual([])
      } finally {
        second.proc.kill('SIGTERM')
        await second.exited
      }
    },
  )

  test('SIGKILL under load: after a restart every token issued with a 200 is active; integrity ok', async () => {
    using prep = await prepare(REQUESTS)
    const first = await serve(prep.db)
    const outcomes = await burst(first.url, prep.codes, prep.f.C1, () => first.proc.kill('SIGKILL'), 200)
    await first.exited
    expect(first.proc.signalCode).toBe('SIGKILL')
    const { tokens, refused, bad } = summarise(outcomes)
    expect(bad).toEqual([])
    expect(tokens.length).toBeGreaterThanOrEqual(200)
    expect(refused).toBeGreaterThan(0)
    expect(integrityCheck(prep.db)).toBe('ok')

    const second = await serve(prep.db)
    try {
      expect(await inactive(second.url, prep.f.RS, tokens)).toEqual([])
      expect(integrityCheck(prep.db)).toBe('ok')
    } finally {
      second.proc.kill('SIGTERM')
      await second.exited
    }
  })
})
