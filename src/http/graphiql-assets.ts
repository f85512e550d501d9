/**
 * @module
 * Issue 17: GraphiQL from the binary, for /admin/graphiql (pages/admin-console.ts). Its code is
 * `@graphql-yoga/render-graphiql`, yoga's own bundle of GraphiQL (React, Monaco and their language
 * workers, no CDN). That package's renderGraphiQL() writes everything inline (a `<script>` and a
 * `<style>`, workers as blob: URLs), which a CSP without inline script forbids; so its parts are
 * served here as files instead: the bundle, its stylesheet, each worker, and boot.js, which does what
 * the inline script did (start GraphiQL on #root) with Latchkey's settings: /graphql as the endpoint and
 * the session's CSRF token (from the page's meta tag) as the X-Latchkey-CSRF header of every request.
 * The bundle (~9 MB) is loaded on the first request for it, not at start-up.
 */
import type { ConsoleAsset } from './console-assets.ts'

const JS = 'text/javascript; charset=utf-8'

/** The Monaco worker labels render-graphiql knows, and the file each is served as. */
const WORKERS = {
  editorWorkerService: 'editor.worker.js',
  json: 'json.worker.js',
  graphql: 'graphql.worker.js',
} as const

const WORKER_URLS = Object.fromEntries(Object.entries(WORKERS).map(([k, v]) => [k, `/admin/graphiql/${v}`]))

const BOOT_JS = `'use strict'
;(() => {
  const csrf = document.querySelector('meta[name="latchkey-csrf"]').content
  const workers = ${JSON.stringify(WORKER_URLS)}
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: (_moduleId, label) => workers[label] || workers.editorWorkerService,
  }
  YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), {
    endpoint: '/graphql',
    title: 'GraphiQL · Latchkey',
    credentials: 'same-origin',
    additionalHeaders: { 'X-Latchkey-CSRF': csrf },
  })
})()
`

type Parts = typeof import('@graphql-yoga/render-graphiql/graphiql')
let parts: Promise<Record<string, ConsoleAsset>> | undefined

function load(): Promise<Record<string, ConsoleAsset>> {
  parts ??= import('@graphql-yoga/render-graphiql/graphiql').then((p: Parts) => ({
    'graphiql.js': { body: p.js, type: JS },
    'graphiql.css': { body: p.css, type: 'text/css; charset=utf-8' },
    [WORKERS.editorWorkerService]: { body: p.editorWorkerService, type: JS },
    [WORKERS.json]: { body: p.jsonWorker, type: JS },
    [WORKERS.graphql]: { body: p.graphqlWorker, type: JS },
  }))
  return parts
}

const BOOT: ConsoleAsset = { body: BOOT_JS, type: JS }

export async function graphiqlAsset(name: string): Promise<ConsoleAsset | undefined> {
  if (name === 'boot.js') return BOOT
  const files = await load()
  return Object.hasOwn(files, name) ? files[name] : undefined
}
