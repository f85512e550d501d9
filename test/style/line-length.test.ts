/**
 * Issue 15 §6: no line over 120 columns in the code. Biome's formatter keeps code within 120
 * columns but cannot break a long string, template literal or comment, so this test holds those
 * too. Columns are characters (code points), as Biome counts them.
 */
import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

const ROOT = join(import.meta.dir, '../..')
const FOLDERS = ['src', 'test', 'migrations', 'scripts', 'bench']
const SKIP = new Set(['node_modules', 'results'])
const CODE = /\.(ts|mjs|js)$/
export const MAX_COLUMNS = 120

function* codeFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* codeFiles(path)
    else if (CODE.test(entry.name)) yield path
  }
}

/** `file:line (n columns)` for every line longer than `max`. */
export function longLines(path: string, text: string, max = MAX_COLUMNS): string[] {
  return text
    .split('\n')
    .map((line, i) => ({ line: i + 1, columns: [...line].length }))
    .filter(({ columns }) => columns > max)
    .map(({ line, columns }) => `${path}:${line} (${columns} columns)`)
}

describe('issue 15 §6: no line over 120 columns', () => {
  test('the checker counts characters, not bytes, and names file and line', () => {
    expect(longLines('a.ts', `${'x'.repeat(120)}\n${'§'.repeat(120)}`)).toEqual([])
    expect(longLines('a.ts', `ok\n${'x'.repeat(121)}`)).toEqual(['a.ts:2 (121 columns)'])
  })

  test('src, test, migrations, scripts and bench hold no longer line', () => {
    const files = FOLDERS.flatMap((folder) => [...codeFiles(join(ROOT, folder))])
    expect(files.length).toBeGreaterThan(100)
    const long = files.flatMap((path) => longLines(relative(ROOT, path), readFileSync(path, 'utf8')))
    expect(long).toEqual([])
  })
})
