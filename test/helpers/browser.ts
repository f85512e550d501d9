/**
 * A minimal user agent: a cookie jar, manual redirects, and form submission by field name — enough
 * to log in and approve consent like a person would, without JavaScript.
 */
import { PASSWORD } from './fixtures.ts'

export class Browser {
  readonly cookies = new Map<string, string>()
  constructor(readonly base: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size) headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    const res = await fetch(new URL(path, this.base), { ...init, headers, redirect: 'manual' })
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq)
      const value = pair!.slice(eq + 1)
      if (value === '' || /Max-Age=0/i.test(c)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return res
  }

  get(path: string): Promise<Response> {
    return this.request(path)
  }

  post(path: string, fields: Record<string, string>): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      body: new URLSearchParams(fields),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    })
  }

  /** Logs in through the real form; returns the response of the form POST. */
  async login(username = 'alice', password = PASSWORD, returnTo = '/'): Promise<Response> {
    const page = await (await this.get(`/login?return_to=${encodeURIComponent(returnTo)}`)).text()
    return this.post('/login', { ...formFields(page), username, password })
  }

  /**
   * Follows an authorization request through login and consent, approving (or denying), and
   * returns the final redirect towards the client.
   */
  async authorize(
    query: Record<string, string>,
    opts: { decision?: 'approve' | 'deny'; username?: string; path?: string } = {},
  ): Promise<URL> {
    let res = await this.get(`${opts.path ?? '/oauth/authorize'}?${new URLSearchParams(query)}`)
    for (let hops = 0; hops < 5; hops++) {
      const location = res.headers.get('location')
      if (res.status === 200) {
        const page = await res.text()
        if (!page.includes('/oauth/authorize/decision')) throw new Error(`unexpected page: ${page.slice(0, 300)}`)
        res = await this.post('/oauth/authorize/decision', {
          ...formFields(page),
          decision: opts.decision ?? 'approve',
        })
        continue
      }
      if (!location) throw new Error(`authorize stopped with ${res.status}: ${(await res.text()).slice(0, 300)}`)
      const url = new URL(location, this.base)
      if (url.origin !== new URL(this.base).origin) return url
      if (url.pathname === '/login') {
        res = await this.login(opts.username ?? 'alice', PASSWORD, url.searchParams.get('return_to') ?? '/')
        continue
      }
      res = await this.get(url.pathname + url.search)
    }
    throw new Error('too many redirects')
  }
}

/** The hidden and named inputs of the first form on a page. */
export function formFields(page: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const m of page.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    fields[unescapeHtml(m[1]!)] = unescapeHtml(m[2]!)
  return fields
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}
