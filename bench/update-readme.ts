/**
 * Copies bench/results/latest.md (without its title line) into README.md between the markers
 * `<!-- bench:latest:start -->` and `<!-- bench:latest:end -->`. Run after `npm run bench`:
 *
 *   bun bench/update-readme.ts
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(import.meta.dir, '..')
const START = '<!-- bench:latest:start -->'
const END = '<!-- bench:latest:end -->'
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const latest = readFileSync(join(import.meta.dir, 'results', 'latest.md'), 'utf8')
  .replace(/^# .*\n+/, '')
  .trim()
const from = readme.indexOf(START)
const to = readme.indexOf(END)
if (from < 0 || to < from) throw new Error(`README.md has no ${START} … ${END} block`)
writeFileSync(join(ROOT, 'README.md'), `${readme.slice(0, from + START.length)}\n${latest}\n${readme.slice(to)}`)
console.error('README.md: the Performance table now shows bench/results/latest.md')
