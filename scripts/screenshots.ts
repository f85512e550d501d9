/**
 * Screenshots of the admin console's main screens for docs/console.md and the README, taken in Debian's
 * chromium against a throw-away server filled with a small demo world. Run by hand (not in CI):
 *
 *   bun scripts/screenshots.ts            writes docs/screenshots/*.png
 */
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Browser } from '../test/helpers/browser.ts'
import { chromiumSession, consoleReady, openScreen, signIn } from '../test/helpers/chromium.ts'
import { PASSWORD } from '../test/helpers/fixtures.ts'
import { postForm } from '../test/helpers/oauth.ts'
import { startServer } from '../test/helpers/server.ts'

const OUT = resolve(import.meta.dir, '../docs/screenshots')
mkdirSync(OUT, { recursive: true })

await using server = await startServer({ socket: true })
const { users, applications } = server.provider.services
await users.create({
  username: 'admin',
  name: 'Ada Admin',
  email: 'ada@example.com',
  password: PASSWORD,
  isAdmin: true,
})
for (const [username, name] of [
  ['alice', 'Alice Liddell'],
  ['bob', 'Bob Builder'],
  ['carol', 'Carol Danvers'],
  ['dave', 'Dave Lister'],
])
  await users.create({ username, name, email: `${username}@example.com`, password: PASSWORD })
const robot = await applications.create({
  name: 'Build robot',
  redirectUris: ['https://ci.example.com/cb'],
  grantTypes: ['client_credentials'],
  scopes: ['read_user'],
})
await applications.create({
  name: 'Wiki',
  redirectUris: ['https://wiki.example.com/oauth/callback'],
  scopes: ['openid', 'profile', 'email'],
})
await applications.create({
  name: 'Gitea',
  redirectUris: ['https://git.example.com/user/oauth2/latchkey/callback'],
  scopes: ['openid', 'profile', 'email'],
  isTrusted: true,
})
await applications.create({
  name: 'Mobile app',
  redirectUris: ['com.example.app:/callback'],
  isPublic: true,
  scopes: ['openid', 'profile'],
})
const { resources, registration } = server.provider.services
await resources.create({
  name: 'ledger',
  uri: 'https://ledger.example.com/api',
  scopes: ['profile'],
  tokenFormat: 'jwt',
})
await resources.create({ name: 'wiki-api', uri: 'https://wiki.example.com/api', scopes: ['openid', 'profile'] })
await registration.createToken({ description: 'Deploy script', expiresIn: 7 * 86400, maxUses: 5 })
await registration.createToken({ description: 'Partner sandbox', maxUses: null, scopes: ['openid', 'profile'] })
const client = { clientId: robot.application.clientId, secret: robot.clientSecret, redirectUri: '' }
for (let i = 0; i < 5; i++)
  await postForm(server.url, '/oauth/token', client, { grant_type: 'client_credentials', scope: 'read_user' })
for (const username of ['alice', 'bob', 'carol']) await new Browser(server.url).login(username)
await new Browser(server.url).login('dave', 'not the password')

const chrome = chromiumSession()
await chrome.launch()
try {
  const light = await chrome.open(server)
  const page = light.page
  await signIn(page, 'admin')
  const shoot = async (name: string) => {
    await page.screenshot({ path: join(OUT, `${name}.png`) })
    console.log(`docs/screenshots/${name}.png`)
  }
  await shoot('overview')
  for (const [route, name] of [
    ['applications', 'applications'],
    ['users', 'users'],
    ['scopes', 'scopes'],
    ['tokens', 'tokens'],
    ['audit', 'audit'],
    ['keys', 'signing-keys'],
    ['resources', 'resources'],
    ['registration', 'registration-tokens'],
  ]) {
    await openScreen(page, route!)
    await shoot(name!)
  }
  await openScreen(page, `applications/${robot.application.clientId}`)
  await shoot('application')
  await openScreen(page, 'applications')
  await page.getByRole('button', { name: 'New application' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Create application' }).click()
  await page.locator('[data-field-error]').first().waitFor()
  await shoot('new-application-error')

  const dark = await chrome.open(server, { colorScheme: 'dark' })
  await signIn(dark.page, 'admin')
  await consoleReady(dark.page)
  await dark.page.screenshot({ path: join(OUT, 'overview-dark.png') })
  console.log('docs/screenshots/overview-dark.png')
  await openScreen(dark.page, 'applications')
  await dark.page.screenshot({ path: join(OUT, 'applications-dark.png') })
  console.log('docs/screenshots/applications-dark.png')
} finally {
  await chrome.close()
}
