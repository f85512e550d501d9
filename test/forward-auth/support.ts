/** Shared set-up for the forward-auth tests (issue 16): a rules file, a provider that uses it, and the asks. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Server } from 'bun'
import { setup, type Env } from '../helpers/flows.ts'

/**
 * The rules the suites share: git over HTTP as seed 002 describes it (push needs write_repository and
 * the team group, fetch read_repository), a public path, a wiki for any signed-in user, an admin area.
 */
export const RULES = {
  rules: [
    {
      host: 'git.example.com',
      path: '^/team/[^/]+\\.git/(info/refs\\?service=git-receive-pack|git-receive-pack)$',
      methods: ['GET', 'POST'],
      groups: ['team'],
      scopes: ['write_repository'],
    },
    {
      host: 'git.example.com',
      path: '^/team/[^/]+\\.git/(info/refs\\?service=git-upload-pack|git-upload-pack)$',
      methods: ['GET', 'POST'],
      scopes: ['read_repository'],
    },
    { host: 'git.example.com', path: '^/public/', public: true },
    { host: 'wiki.example.com', path: '^/admin(/|$)', groups: ['admins'] },
    { host: 'wiki.example.com', path: '^/' },
    { host: '*.apps.example.com', path: '^/', methods: ['GET', 'HEAD'] },
  ],
}

export const PUSH = 'http://git.example.com/team/repo.git/info/refs?service=git-receive-pack'
export const FETCH = 'http://git.example.com/team/repo.git/info/refs?service=git-upload-pack'

export function rulesFile(rules: unknown = RULES): string {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-fwd-'))
  const file = join(dir, 'rules.json')
  writeFileSync(file, JSON.stringify(rules))
  return file
}

/** A provider whose forward auth trusts the in-process peer (127.0.0.1) as its proxy, with GitLab's scopes. */
export async function setupForwardAuth(config: Record<string, unknown> = {}): Promise<Env> {
  const env = await setup({ config: { forwardAuthRules: rulesFile(), trustedProxies: '127.0.0.1', ...config } })
  await env.server.provider.services.scopes.importPreset('gitlab', { force: true })
  return env
}

export interface Ask {
  url: string
  method?: string
  headers?: Record<string, string>
  /** The TCP peer the app sees (default the in-process 127.0.0.1). */
  peer?: string
  path?: '/forward-auth' | '/forward-auth/nginx'
}

/** nginx's sub-request: X-Original-URL and X-Original-Method, sent as GET (or `subMethod`). */
export function ask(env: Env, { url, method = 'GET', headers = {}, peer, path = '/forward-auth/nginx' }: Ask) {
  const request = new Request(env.server.url + path, {
    headers: { 'X-Original-URL': url, 'X-Original-Method': method, ...headers },
  })
  if (!peer) return fetch(request, { redirect: 'manual' })
  const server = { requestIP: () => ({ address: peer, family: 'IPv4', port: 40000 }) } as unknown as Server<unknown>
  return env.server.provider.app.fetch(request, server)
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })
export const basic = (user: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
})

/** A personal access token of `userId` with `scopes`. */
export async function personalToken(env: Env, userId: string, scopes: string[]): Promise<string> {
  return (await env.server.provider.services.tokens.issuePersonal(userId, scopes, 3600)).token
}

/** The WWW-Authenticate challenges, one per header line. */
export function challenges(res: Response): string[] {
  return (
    res.headers
      .get('www-authenticate')
      ?.split(/,\s*(?=(?:Basic|Bearer)\b)/)
      .map((c) => c.trim()) ?? []
  )
}
