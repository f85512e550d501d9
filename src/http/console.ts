/**
 * @module
 * Issue 17: the files the admin console's pages load, from the binary: /admin/assets/<name> (the
 * console's bundle, http/console-assets.ts) and /admin/graphiql/<name> (GraphiQL's, http/graphiql-assets.ts,
 * only with --graphiql). They hold no secret and no per-user data, so they need no session; they are
 * revalidated by ETag, since a new binary may bring new files under the same names.
 */
import type { Reply, RequestContext } from '../handler/context.ts'
import { RouteNotFound } from '../handler/errors.ts'
import { type ConsoleAsset, consoleAsset } from './console-assets.ts'
import { graphiqlAsset } from './graphiql-assets.ts'

export const CONSOLE_ASSETS = '/admin/assets/'
export const GRAPHIQL_ASSETS = '/admin/graphiql/'

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/
const etags = new WeakMap<ConsoleAsset, string>()

function etagOf(asset: ConsoleAsset): string {
  let etag = etags.get(asset)
  if (!etag) {
    etag = `"${new Bun.CryptoHasher('sha256').update(asset.body).digest('base64url')}"`
    etags.set(asset, etag)
  }
  return etag
}

function serve(ctx: RequestContext<unknown>, asset: ConsoleAsset | undefined): Reply {
  if (!asset) throw new RouteNotFound('no such file')
  const etag = etagOf(asset)
  const headers: Array<[string, string]> = [
    ['ETag', etag],
    ['Cache-Control', 'no-cache'],
    ['X-Content-Type-Options', 'nosniff'],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
  ]
  if (ctx.request.headers.get('if-none-match') === etag) return { type: 'empty', status: 304, headers }
  return {
    type: 'response',
    response: new Response(asset.body, { headers: [...headers, ['Content-Type', asset.type]] }),
  }
}

function nameAfter(ctx: RequestContext<unknown>, prefix: string): string {
  const name = ctx.url.pathname.slice(prefix.length)
  return NAME.test(name) ? name : ''
}

export async function consoleAssetFile(ctx: RequestContext<unknown>): Promise<Reply> {
  return serve(ctx, consoleAsset(nameAfter(ctx, CONSOLE_ASSETS)))
}

export async function graphiqlAssetFile(ctx: RequestContext<unknown>): Promise<Reply> {
  if (!ctx.config.graphiql) throw new RouteNotFound('GraphiQL is off (latchkey serve --graphiql turns it on)')
  return serve(ctx, await graphiqlAsset(nameAfter(ctx, GRAPHIQL_ASSETS)))
}
