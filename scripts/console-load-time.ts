/**
 * The admin console's first-load time on this machine: a signed-in administrator opens /admin in a fresh
 * browser context (empty cache) until the overview has rendered (its chart), timed by the page itself from
 * navigation start. Prints each load and the median. Run by hand:
 *
 *   bun scripts/console-load-time.ts [loads=15]
 */
import { chromiumSession, signIn } from '../test/helpers/chromium.ts'
import { PASSWORD } from '../test/helpers/fixtures.ts'
import { startServer } from '../test/helpers/server.ts'

const loads = Number(process.argv[2] ?? 15)
await using server = await startServer({ socket: true })
await server.provider.services.users.create({ username: 'admin', password: PASSWORD, isAdmin: true })
const chrome = chromiumSession()
await chrome.launch()
try {
  const first = await chrome.open(server)
  await signIn(first.page, 'admin')
  const state = await first.context.storageState()
  const times: number[] = []
  for (let i = 0; i < loads; i++) {
    const tab = await chrome.open(server)
    await tab.context.addCookies(state.cookies)
    await tab.page.goto('/admin', { waitUntil: 'commit' })
    await tab.page.locator('.chart svg[role="img"]').waitFor()
    const ms = await tab.page.evaluate(() => performance.now())
    times.push(ms)
    console.log(`load ${i + 1}: ${ms.toFixed(0)} ms`)
    await tab.context.close()
  }
  times.sort((a, b) => a - b)
  const ms = (t: number | undefined) => `${t!.toFixed(0)} ms`
  const median = ms(times[Math.floor(times.length / 2)])
  console.log(`median of ${loads}: ${median} (min ${ms(times[0])}, max ${ms(times.at(-1))})`)
} finally {
  await chrome.close()
}
