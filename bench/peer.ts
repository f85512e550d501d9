/**
 * @module
 * The peer side: panva/oidc-provider 9 on Node (bench/peer/server.mjs), installed in bench/ only.
 * Tokens and codes are minted inside the peer process through its own models (bench-only paths).
 */
import type { Subprocess } from 'bun'
import { join } from 'node:path'

export const PEER_CLIENT = { id: 'bench-client', secret: 'bench-secret-bench-secret-bench-secret-0123' }
export const PEER_REDIRECT_URI = 'http://127.0.0.1:9/cb'

export interface Peer {
  proc: Subprocess
  url: string
  basicAuth: string
  mint(kind: 'access' | 'refresh' | 'refresh-id' | 'code' | 'filler', n: number): Promise<string[]>
  stop(): Promise<void>
}

export async function startPeer(port: number): Promise<Peer> {
  const proc = Bun.spawn(['node', join(import.meta.dir, 'peer', 'server.mjs'), String(port)], {
    cwd: import.meta.dir,
    env: { ...process.env, NODE_ENV: 'production' },
    stdout: 'pipe',
    stderr: 'inherit',
  })
  const reader = proc.stdout.getReader()
  let seen = ''
  while (!seen.includes('ready')) {
    const { value, done } = await reader.read()
    if (done) throw new Error('the peer exited before it was ready')
    seen += new TextDecoder().decode(value)
  }
  const url = `http://127.0.0.1:${port}`
  return {
    proc,
    url,
    basicAuth: `Basic ${btoa(`${PEER_CLIENT.id}:${PEER_CLIENT.secret}`)}`,
    async mint(kind, n) {
      const out: string[] = []
      // In chunks, so one response never holds hundreds of thousands of values.
      for (let done = 0; done < n; done += 20_000) {
        const count = Math.min(20_000, n - done)
        const res = await fetch(`${url}/__bench/mint?kind=${kind}&n=${count}${kind === 'filler' ? '&discard=1' : ''}`)
        if (!res.ok) throw new Error(`peer mint failed: ${await res.text()}`)
        const text = await res.text()
        if (kind !== 'filler') out.push(...text.split('\n'))
      }
      return out
    },
    async stop() {
      proc.kill()
      await proc.exited
    },
  }
}
