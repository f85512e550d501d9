/**
 * The layering as an allow-list (issue 15 §2): one row per unit of src/ (a folder, or a file at its
 * top) naming the units it may import; anything else fails, in every import form. The checker runs on
 * the real tree and on small in-memory fixtures that prove each rule fails on a forbidden import.
 */
import { describe, expect, test } from 'bun:test'
import { Glob } from 'bun'
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { ROUTES } from '../src/http/routes.ts'

const ROOT = resolve(import.meta.dir, '..')

/**
 * What each unit may import. Handler layers (oauth, pages, graphql) import the handler contract
 * downward; only http/ sees them all. Imports that leave src/ are named too (migrations, package.json).
 */
const ALLOWED: Record<string, readonly string[]> = {
  clock: [],
  'forward-auth-rules': [],
  config: ['forward-auth-rules'],
  crypto: [],
  'metrics-series': [],
  store: ['config', 'crypto', 'clock', 'migrations'],
  metrics: ['metrics-series', 'store'],
  services: ['store', 'crypto', 'config', 'clock'],
  handler: ['services', 'config', 'metrics'],
  oidc: ['services', 'crypto', 'config'],
  oauth: ['handler', 'oidc', 'services', 'crypto', 'config'],
  pages: ['handler', 'oauth', 'services', 'crypto', 'config'],
  graphql: ['handler', 'services', 'config'],
  'forward-auth': ['handler', 'oauth', 'pages', 'services', 'config', 'forward-auth-rules'],
  forge: ['handler', 'oauth', 'services', 'config'],
  http: [
    'handler',
    'oauth',
    'pages',
    'graphql',
    'forward-auth',
    'forge',
    'services',
    'crypto',
    'config',
    'metrics',
    'console',
  ],
  provider: ['http', 'services', 'store', 'metrics', 'config', 'clock'],
  cli: ['provider', 'http', 'services', 'store', 'crypto', 'config', 'clock', 'package.json'],
  main: ['cli'],
}

/** Units that may build a Response (http/respond.ts turns Replies into Responses). */
const BUILDS_RESPONSES = ['http']
/** Units that may read a request's body or query parameters: the server, before dispatch, with handler/'s parsers. */
const READS_REQUESTS = ['http', 'handler']
/**
 * Units whose code runs for a request (handlers, grants, resolvers, OIDC helpers): each names the narrow
 * port it uses, never the whole services bag (issue 15 §3). Only the server, which builds the context, may.
 */
const PORTED_UNITS = ['oauth', 'oidc', 'pages', 'graphql', 'http']
const MAY_NAME_THE_BAG = ['src/http/server.ts']

interface Source {
  file: string
  text: string
}

interface Import {
  /** The specifier as written. */
  spec: string
  /** Repository-relative path for a relative specifier; the package name otherwise. */
  target: string
  /** A file of this repository (a relative specifier), not a package. */
  local: boolean
  form: 'static' | 'side-effect' | 'export-from' | 'dynamic' | 'require'
}

/**
 * The source with comments and the insides of strings and template literals blanked (same length,
 * newlines kept), so import-shaped text in a comment or a string is never read as an import.
 */
export function mask(text: string): string {
  const out = text.split('')
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' '
  }
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    const next = text[i + 1]
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i)
      const stop = end < 0 ? text.length : end
      blank(i, stop)
      i = stop
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2)
      const stop = end < 0 ? text.length : end + 2
      blank(i, stop)
      i = stop
    } else if (c === '/' && /[(,=:[!&|?{};]$|^$/.test(text.slice(0, i).trimEnd().slice(-1))) {
      // A regular expression literal: a quote inside it opens no string.
      let j = i + 1
      let inClass = false
      while (j < text.length && text[j] !== '\n' && (inClass || text[j] !== '/')) {
        if (text[j] === '[') inClass = true
        else if (text[j] === ']') inClass = false
        j += text[j] === '\\' ? 2 : 1
      }
      blank(i + 1, j)
      i = j + 1
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1
      blank(i + 1, j)
      i = j + 1
    } else i++
  }
  return out.join('')
}

const FORMS: Array<[Import['form'], RegExp]> = [
  ['export-from', /\bexport\s+(?:type\s+)?(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\})\s*from\s*(['"])/g],
  ['static', /\bimport\s+(?:type\s+)?(?:[\w$]+\s*,?\s*)?(?:\*\s*as\s+[\w$]+|\{[^}]*\})?\s*from\s*(['"])/g],
  ['side-effect', /\bimport\s*(['"])/g],
  ['dynamic', /\bimport\s*\(\s*(['"])/g],
  ['require', /\brequire\s*\(\s*(['"])/g],
]

/** Every import of a source, in every form, with where it points. Computed specifiers are reported apart. */
export function importsOf({ file, text }: Source): { imports: Import[]; computed: string[] } {
  const masked = mask(text)
  const imports: Import[] = []
  for (const [form, pattern] of FORMS) {
    for (const m of masked.matchAll(pattern)) {
      const open = m.index! + m[0].length
      const close = text.indexOf(m[1]!, open)
      const spec = text.slice(open, close)
      const local = spec.startsWith('.')
      const target = local ? relative(ROOT, resolve(ROOT, dirname(file), spec)) : spec
      imports.push({ spec, target, form, local })
    }
  }
  const computed = [...masked.matchAll(/\b(?:import|require)\s*\(\s*(?!['"\s])/g)].map((m) => `${file}: ${m[0]}…`)
  return { imports, computed }
}

/** The unit of a repository path: src/<folder>/… → folder, src/<file>.ts → file, else its top-level name. */
export function unitOf(path: string): string {
  const parts = path.split('/')
  if (parts[0] !== 'src') return parts[0]!
  return parts.length > 2 ? parts[1]! : parts[1]!.replace(/\.ts$/, '')
}

/** Imports of `sources` that their unit's row does not allow (a unit without a row may import nothing). */
export function layeringViolations(sources: Source[], allowed: Record<string, readonly string[]> = ALLOWED): string[] {
  return sources.flatMap((source) => {
    const from = unitOf(source.file)
    const { imports, computed } = importsOf(source)
    const bad = imports.filter(
      ({ target, local }) => local && unitOf(target) !== from && !(allowed[from] ?? []).includes(unitOf(target)),
    )
    return [...bad.map((i) => `${source.file} → ${i.target} (${i.form})`), ...computed]
  })
}

/** `new Response(` and Response's static builders outside the units that may build one. */
export function responseViolations(sources: Source[]): string[] {
  return sources
    .filter(
      (s) =>
        !BUILDS_RESPONSES.includes(unitOf(s.file)) &&
        /\bnew\s+Response\s*\(|\bResponse\s*\.\s*(?:json|redirect|error)\s*\(/.test(mask(s.text)),
    )
    .map((s) => s.file)
}

/** Handlers get parsed parameters (ctx.query, ctx.body); they never read a request's body or parse its query. */
export function requestReadingViolations(sources: Source[]): string[] {
  const reads = new RegExp(
    /\brequest\s*\.\s*(?:json|text|formData|arrayBuffer|blob|body)\b/.source +
      '|' +
      /\b(?:readBody|bodyParams|queryParams|parseUrlEncoded)\s*\(/.source,
  )
  return sources.filter((s) => !READS_REQUESTS.includes(unitOf(s.file)) && reads.test(mask(s.text))).map((s) => s.file)
}

/** Handler-side code naming the whole services bag (`HandlerServices`, `Services`) instead of a `Port<…>`. */
export function wholeBagViolations(sources: Source[]): string[] {
  return sources
    .filter(
      (s) =>
        PORTED_UNITS.includes(unitOf(s.file)) &&
        !MAY_NAME_THE_BAG.includes(s.file) &&
        /\b(?:HandlerServices|Services)\b/.test(mask(s.text)),
    )
    .map((s) => s.file)
}

/** Unit → units it imports, from the code. */
export function unitGraph(sources: Source[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>()
  for (const source of sources) {
    const from = unitOf(source.file)
    const edges = graph.get(from) ?? graph.set(from, new Set()).get(from)!
    for (const { target } of importsOf(source).imports)
      if (target.startsWith('src/') && unitOf(target) !== from) edges.add(unitOf(target))
  }
  return graph
}

/** One cycle of the graph as a path (first unit repeated at the end), or undefined. */
export function findCycle(graph: ReadonlyMap<string, Iterable<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (unit: string): string[] | undefined => {
    if (state.get(unit) === 'done') return undefined
    if (state.get(unit) === 'open') return [...path.slice(path.indexOf(unit)), unit]
    state.set(unit, 'open')
    path.push(unit)
    for (const next of graph.get(unit) ?? []) {
      const cycle = visit(next)
      if (cycle) return cycle
    }
    path.pop()
    state.set(unit, 'done')
    return undefined
  }
  for (const unit of graph.keys()) {
    const cycle = visit(unit)
    if (cycle) return cycle
  }
  return undefined
}

function sources(): Source[] {
  return [...new Glob('src/**/*.ts').scanSync(ROOT)]
    .sort()
    .map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }))
}

describe('architecture: the layering allow-list (issue 15 §2)', () => {
  const files = sources()

  test('every unit of src/ has a row, and every row names a unit', () => {
    const units = new Set(files.map((f) => unitOf(f.file)))
    expect([...units].filter((u) => !(u in ALLOWED))).toEqual([])
    expect(Object.keys(ALLOWED).filter((u) => !units.has(u))).toEqual([])
  })

  test('each unit imports only what its row allows, in every import form', () => {
    expect(layeringViolations(files)).toEqual([])
  })

  test('no folder cycles, in the code or in the allow-list itself', () => {
    expect(findCycle(unitGraph(files))).toBeUndefined()
    expect(findCycle(new Map(Object.entries(ALLOWED)))).toBeUndefined()
  })

  test('only http/ builds a Response', () => {
    expect(responseViolations(files)).toEqual([])
  })

  test('only the server reads requests: handlers take the parameters their route declares', () => {
    expect(requestReadingViolations(files)).toEqual([])
  })

  test('handlers, grants and resolvers name their port, never the whole services bag (issue 15 §3)', () => {
    expect(wholeBagViolations(files)).toEqual([])
  })
})

describe('architecture: the checker fails on each forbidden form (in-memory fixtures)', () => {
  const oauthFile = 'src/oauth/endpoints/x.ts'
  const forbidden: Array<[string, string]> = [
    ['a named import', `import { consentPage } from '../../pages/consent.ts'`],
    ['a default import', `import page from '../../pages/consent.ts'`],
    ['a namespace import', `import * as pages from '../../pages/consent.ts'`],
    ['a type-only import', `import type { ConsentView } from '../../pages/consent.ts'`],
    ['an import over several lines', `import {\n  consentPage,\n  type ConsentView,\n} from '../../pages/consent.ts'`],
    ['a side-effect import', `import '../../pages/consent.ts'`],
    ['an export … from', `export { consentPage } from '../../pages/consent.ts'`],
    ['an export * from', `export * from '../../pages/consent.ts'`],
    ['a dynamic import()', `const pages = await import('../../pages/consent.ts')`],
    ['a require()', `const pages = require('../../pages/consent.ts')`],
    ['a computed dynamic import()', `const name = 'pages'\nconst m = await import(\`../../\${name}/consent.ts\`)`],
    ['an import of a folder without a row', `import { x } from '../../unknown/x.ts'`],
    ['an import leaving src/ for test code', `import { x } from '../../../test/helpers/server.ts'`],
  ]
  test.each(forbidden)('oauth → pages (or elsewhere not allowed) by %s is a violation', (_, text) => {
    expect(layeringViolations([{ file: oauthFile, text }])).toHaveLength(1)
  })

  test('each layer is held to its own row: store → services, services → oauth fail, crypto imports nothing', () => {
    expect(layeringViolations([{ file: 'src/store/x.ts', text: `import { y } from '../services/y.ts'` }])).toHaveLength(
      1,
    )
    expect(
      layeringViolations([{ file: 'src/services/x.ts', text: `import { y } from '../handler/errors.ts'` }]),
    ).toHaveLength(1)
    expect(layeringViolations([{ file: 'src/crypto/x.ts', text: `import { y } from '../config.ts'` }])).toHaveLength(1)
    expect(
      layeringViolations([{ file: 'src/handler/x.ts', text: `import { y } from '../oauth/errors.ts'` }]),
    ).toHaveLength(1)
    expect(
      layeringViolations([{ file: 'src/graphql/x.ts', text: `import { y } from '../oauth/bearer.ts'` }]),
    ).toHaveLength(1)
    expect(
      layeringViolations([{ file: 'src/cli/x.ts', text: `import { y } from '../oauth/grants/index.ts'` }]),
    ).toHaveLength(1)
  })

  test('allowed imports, packages, and import-shaped text in comments and strings are not violations', () => {
    const text = [
      `import { consentPage } from '../../handler/context.ts'`,
      `import type { Services } from '../../services/index.ts'`,
      `import { z } from 'zod'`,
      `import { readFileSync } from 'node:fs'`,
      `// import { x } from '../../pages/consent.ts'`,
      `/* await import('../../pages/consent.ts') */`,
      `const doc = "import '../../pages/consent.ts'"`,
      `const tpl = \`require('../../pages/consent.ts')\``,
      `import { sibling } from '../grants/index.ts'`,
    ].join('\n')
    expect(layeringViolations([{ file: oauthFile, text }])).toEqual([])
  })

  test('a Response built outside http/ is a violation; inside http/ it is not', () => {
    expect(responseViolations([{ file: 'src/graphql/x.ts', text: `return new Response('x')` }])).toEqual([
      'src/graphql/x.ts',
    ])
    expect(responseViolations([{ file: 'src/pages/x.ts', text: `return Response.json({})` }])).toEqual([
      'src/pages/x.ts',
    ])
    expect(responseViolations([{ file: 'src/oauth/x.ts', text: `return Response.redirect(url)` }])).toEqual([
      'src/oauth/x.ts',
    ])
    expect(responseViolations([{ file: 'src/http/x.ts', text: `return new Response('x')` }])).toEqual([])
    expect(responseViolations([{ file: 'src/pages/x.ts', text: `// never new Response( here` }])).toEqual([])
  })

  test('a handler that reads the body or parses the query itself is a violation', () => {
    expect(
      requestReadingViolations([
        { file: 'src/oauth/x.ts', text: `const p = await bodyParams(ctx.request, { json: true })` },
      ]),
    ).toHaveLength(1)
    expect(
      requestReadingViolations([{ file: 'src/pages/x.ts', text: `const form = await ctx.request.formData()` }]),
    ).toHaveLength(1)
    expect(requestReadingViolations([{ file: 'src/oauth/x.ts', text: `const q = queryParams(ctx.url)` }])).toHaveLength(
      1,
    )
    expect(requestReadingViolations([{ file: 'src/oauth/x.ts', text: `const q = ctx.query` }])).toEqual([])
  })

  test('a handler or resolver typed with the whole services bag is a violation; a port is not', () => {
    const bag = [
      `import type { HandlerServices } from '../services/index.ts'`,
      'export interface C { services: HandlerServices }',
    ].join('\n')
    expect(wholeBagViolations([{ file: 'src/graphql/context.ts', text: bag }])).toEqual(['src/graphql/context.ts'])
    expect(
      wholeBagViolations([{ file: 'src/pages/x.ts', text: `async function h(ctx: RequestContext<Services>) {}` }]),
    ).toEqual(['src/pages/x.ts'])
    const port = `export type P = Port<{ admin: 'users' }> // not HandlerServices`
    expect(wholeBagViolations([{ file: 'src/graphql/context.ts', text: port }])).toEqual([])
    expect(wholeBagViolations([{ file: 'src/http/server.ts', text: bag }])).toEqual([])
  })

  test('a folder cycle is found, in code and in an allow-list', () => {
    const loop = [
      { file: 'src/oauth/a.ts', text: `import { b } from '../pages/b.ts'` },
      { file: 'src/pages/b.ts', text: `import '../oauth/a.ts'` },
    ]
    expect(findCycle(unitGraph(loop))).toEqual(['oauth', 'pages', 'oauth'])
    expect(findCycle(new Map(Object.entries({ a: ['b'], b: ['c'], c: ['a'] })))).toEqual(['a', 'b', 'c', 'a'])
    expect(findCycle(new Map(Object.entries({ a: ['b'], b: [] })))).toBeUndefined()
  })
})

describe('architecture: other boundaries', () => {
  const files = sources()

  test('only src/store imports kysely (migrations aside)', () => {
    const violations = files
      .filter(
        (s) =>
          !s.file.startsWith('src/store/') &&
          importsOf(s).imports.some(({ target }) => target === 'kysely' || target.startsWith('kysely/')),
      )
      .map((s) => s.file)
    expect(violations).toEqual([])
  })

  test('nothing outside src/config.ts and the CLI entry points reads process.env', () => {
    const violations = files
      .filter(({ file, text }) => /process\.env/.test(text) && !['src/config.ts', 'src/cli/io.ts'].includes(file))
      .map((f) => f.file)
    expect(violations).toEqual([])
  })

  test('migrations never import application code (they are frozen in time)', () => {
    const migrations = [...new Glob('migrations/*.ts').scanSync(ROOT)].map((file) => ({
      file,
      text: readFileSync(join(ROOT, file), 'utf8'),
    }))
    const violations = migrations.filter((m) => importsOf(m).imports.some(({ target }) => target.startsWith('src/')))
    expect(violations.map((m) => m.file)).toEqual([])
  })
})

describe('architecture: what routes declare (issue 15 §1)', () => {
  const endpoints = Object.entries(ROUTES).flatMap(([path, route]) =>
    Object.entries(route.methods).map(([method, e]) => ({
      path,
      method,
      route,
      endpoint: typeof e === 'function' ? { handle: e } : e,
    })),
  )

  test('every form a page posts is refused from other sites before its body is read (RFC 6749 §10.12)', () => {
    // POST /oauth/authorize is the exception: clients post authorization requests from their own sites
    // (RFC 6749 §3.1).
    const unguarded = endpoints.filter(
      ({ path, method, route, endpoint }) =>
        route.page && method === 'POST' && endpoint.body && !endpoint.sameOrigin && !path.endsWith('/authorize'),
    )
    expect(unguarded.map(({ path }) => path)).toEqual([])
  })

  test(
    'same-origin checks and JSON bodies stay where they belong: pages never take JSON, the API ' +
      'never asks for a browser origin',
    () => {
      const misplaced = endpoints.filter(
        ({ route, endpoint }) =>
          (route.page && endpoint.body === 'form-or-json') || (route.cors && endpoint.sameOrigin),
      )
      expect(misplaced.map(({ path }) => path)).toEqual([])
    },
  )
})
