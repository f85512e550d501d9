/**
 * The README's set-up and quick start hold for a new operator (issue 14 §7): the Node version npm
 * expects is pinned and stated, the quick start runs the installed Bun, names jq, and uses only
 * commands and flags the CLI has.
 */
import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(import.meta.dir, '../..')
const README = readFileSync(join(ROOT, 'README.md'), 'utf8')
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines?: { node?: string } }
const LOCK = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[] }>
}

type Version = [number, number, number]
/** The lowest Node an `engines.node` range admits ("^18 || >=20" → 18.0.0), or undefined for "*". */
function lowest(range: string): Version | undefined {
  const bounds = range
    .split('||')
    .map((part) => /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(part))
    .filter((m) => m !== null)
  const versions = bounds.map((m) => [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] as Version)
  return versions.sort(compare)[0]
}
function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]
}

/** The shell lines of the fenced sh blocks in the README section that starts with `heading`. */
function shellLines(heading: string): string[] {
  const section = README.slice(README.indexOf(heading), README.indexOf('\n## ', README.indexOf(heading) + 1))
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n'))
}

describe('issue 14 §7: the Node version npm install expects', () => {
  test('package.json engines.node admits no Node older than any locked dependency asks for', () => {
    const ours = lowest(PKG.engines?.node ?? '*')
    expect(ours).toBeDefined()
    for (const [name, entry] of Object.entries(LOCK.packages)) {
      const wanted =
        entry.engines && !Array.isArray(entry.engines) && entry.engines.node ? lowest(entry.engines.node) : undefined
      if (wanted && compare(ours!, wanted) < 0)
        throw new Error(`${name} needs Node ${wanted.join('.')}, engines says ${PKG.engines!.node}`)
    }
  })

  test('the README names the same Node version as engines', () => {
    const [major, minor] = lowest(PKG.engines!.node!)!
    expect(README).toContain(`Node.js **${major}.${minor} or later**`)
  })
})

describe('issue 14 §7: the quick start', () => {
  const lines = shellLines('## Five-minute quick start')

  test('runs the Bun npm installed, never `npx bun`, and names jq where it pipes into it', () => {
    expect(lines.some((l) => l.includes('node_modules/.bin/bun'))).toBe(true)
    expect(lines.filter((l) => /\bnpx\s+bun\b/.test(l))).toEqual([])
    expect(lines.some((l) => /\|\s*jq\b/.test(l))).toBe(true)
    expect(README).toMatch(/`jq` \(a separate package/)
  })

  test('creates the first administrator and an admin token', () => {
    expect(lines.some((l) => /latchkey user create .*--admin/.test(l))).toBe(true)
    expect(lines.some((l) => /latchkey token create .*--scopes admin\b/.test(l))).toBe(true)
  })

  test('every latchkey command and flag it uses is in that command’s --help', () => {
    const used = new Map<string, Set<string>>()
    for (const line of lines) {
      for (const m of line.matchAll(/\blatchkey (\w+)((?: [^|;&#)]*)?)/g)) {
        const words = used.get(m[1]!) ?? new Set<string>()
        m[2]!
          .trim()
          .split(/\s+/)
          .forEach((word, i) => {
            // The subcommand (`user create`), then every flag (`--password-stdin`).
            if (/^--[a-z-]+$/.test(word) || (i === 0 && /^[a-z][a-z-]*$/.test(word))) words.add(word)
          })
        used.set(m[1]!, words)
      }
    }
    expect([...used.keys()].sort()).toEqual(['app', 'serve', 'token', 'user'])
    // One process per command, one after another: the help texts are the CLI's own.
    for (const [command, words] of used) {
      const run = Bun.spawnSync([process.execPath, join(ROOT, 'src/main.ts'), command, '--help'], {
        cwd: ROOT,
        stderr: 'pipe',
      })
      expect(run.exitCode).toBe(0)
      const help = run.stdout.toString()
      for (const word of words)
        expect({ command, word, listed: help.includes(word) }).toEqual({ command, word, listed: true })
    }
  })
})
