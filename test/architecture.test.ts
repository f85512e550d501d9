/** STYLE.md §2: the import direction cli, http → oauth | pages | graphql → services → store | crypto | clock. */
import { describe, expect, test } from 'bun:test'
import { Glob } from 'bun'
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const ROOT = resolve(import.meta.dir, '..')

function sources(): Array<{ file: string; imports: string[]; text: string }> {
  const out = []
  for (const file of new Glob('src/**/*.ts').scanSync(ROOT)) {
    const text = readFileSync(join(ROOT, file), 'utf8')
    const imports = [...text.matchAll(/^(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => {
      const spec = m[1]!
      return spec.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), spec)) : spec
    })
    out.push({ file, imports, text })
  }
  return out
}

const layer = (path: string) => path.split('/')[1] ?? ''

/** Which layers each layer must never import. */
const FORBIDDEN: Record<string, string[]> = {
  store: ['services', 'oauth', 'http', 'pages', 'graphql', 'cli'],
  services: ['oauth', 'http', 'pages', 'graphql', 'cli'],
  crypto: ['store', 'services', 'oauth', 'http', 'pages', 'graphql', 'cli'],
  oauth: ['store', 'cli', 'graphql'],
  oidc: ['store', 'cli', 'graphql', 'http'],
  graphql: ['store', 'cli', 'oauth', 'pages'],
  pages: ['store', 'cli', 'graphql'],
}

describe('architecture (STYLE.md §2)', () => {
  const files = sources()

  test('layers import only downwards', () => {
    const violations = files.flatMap(({ file, imports }) =>
      imports.filter((i) => i.startsWith('src/') && (FORBIDDEN[layer(file)] ?? []).includes(layer(i))).map((i) => `${file} → ${i}`),
    )
    expect(violations).toEqual([])
  })

  test('only src/store imports kysely (migrations aside)', () => {
    const violations = files.filter(({ file, imports }) => !file.startsWith('src/store/') && imports.some((i) => i === 'kysely' || i.startsWith('kysely/'))).map((f) => f.file)
    expect(violations).toEqual([])
  })

  test('nothing outside src/config.ts and the CLI entry points reads process.env', () => {
    const violations = files.filter(({ file, text }) => /process\.env/.test(text) && !['src/config.ts', 'src/cli/io.ts'].includes(file)).map((f) => f.file)
    expect(violations).toEqual([])
  })

  test('migrations never import application code (they are frozen in time)', () => {
    const violations = [...new Glob('migrations/*.ts').scanSync(ROOT)].filter((f) => /from\s+['"]\.\.\/src\//.test(readFileSync(join(ROOT, f), 'utf8')))
    expect(violations).toEqual([])
  })
})
