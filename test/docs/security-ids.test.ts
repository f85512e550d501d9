/**
 * docs/security.md lists the security cases the tests cover; a test names a case by its ID
 * (`A.3 …`, `checklist M.74 …`). Every ID a test or describe title names must be listed there, so
 * a reader can always look a case up, and every test file the list points to must exist.
 */
import { describe, expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { Glob } from 'bun'

const ROOT = join(import.meta.dir, '../..')
const DOC = readFileSync(join(ROOT, 'docs/security.md'), 'utf8')

/** A case ID: an area letter and a number, e.g. A.3, L.66, O.77. */
const ID = /\b([A-P])\.(\d{1,3})\b/g
/** The title string of a describe or test call, after any .each(...)/.skipIf(...) modifier. */
const TITLE =
  /\b(?:describe|test|it)(?:\.(?:each|skipIf|if|todo|skip|only)\([\s\S]*?\))?\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g

function idsIn(title: string): string[] {
  return [...title.matchAll(ID)].map((m) => `${m[1]}.${m[2]}`)
}

function titlesIn(source: string): string[] {
  return [...source.matchAll(TITLE)].map((m) => m[2]!)
}

const listed = [...DOC.matchAll(/^- \*\*([A-P]\.\d{1,3})\*\*/gm)].map((m) => m[1]!)

const named = new Map<string, string[]>()
for (const file of new Glob('test/**/*.test.ts').scanSync(ROOT)) {
  for (const title of titlesIn(readFileSync(join(ROOT, file), 'utf8')))
    for (const id of idsIn(title))
      named.set(id, [...(named.get(id) ?? []), `${relative(ROOT, join(ROOT, file))}: ${title.slice(0, 80)}`])
}

describe('docs/security.md: the security cases tests name', () => {
  test('the extraction finds IDs in titles and nothing in RFC section numbers', () => {
    expect(idsIn('A.3 RFC 9700 §2.1, §4.1.3 (exact string match): redirect_uri %p')).toEqual(['A.3'])
    expect(idsIn('RFC 6749 §2.3.1, checklist P.80: 50 wrong client secrets')).toEqual(['P.80'])
    expect(idsIn('OIDC Core §3.1.2.1; RFC 7636 §4.1 and Appendix B; issue 14 §7')).toEqual([])
    expect(
      titlesIn("test.each([['x', 'y'.repeat(2)]])('L.66 a title', () => {})\ndescribe(\"M.73 another\", () => {})"),
    ).toEqual(['L.66 a title', 'M.73 another'])
  })

  test('every entry is listed once', () => {
    expect(listed.length).toBeGreaterThan(70)
    expect(listed.filter((id, i) => listed.indexOf(id) !== i)).toEqual([])
  })

  test('every ID a test title names is listed', () => {
    expect(named.size).toBeGreaterThan(70) // the scan really reads the suites
    const unknown = [...named].filter(([id]) => !listed.includes(id)).flatMap(([, where]) => where)
    expect(unknown).toEqual([])
  })

  test('every test file the list points to exists', () => {
    const paths = [...DOC.matchAll(/`(test\/[^`]+\.ts)`/g)].map((m) => m[1]!)
    expect(paths.length).toBeGreaterThan(10)
    expect(paths.filter((p) => !existsSync(join(ROOT, p)))).toEqual([])
  })
})
