/** Issue 16: the user's groups are shown wherever the user is, their own account page included. */
import { describe, expect, test } from 'bun:test'
import { Browser } from '../helpers/browser.ts'
import { PASSWORD } from '../helpers/fixtures.ts'
import { startServer } from '../helpers/server.ts'

describe('issue 16: /account/applications names the groups the user belongs to', () => {
  test('the names, sorted, or that there are none', async () => {
    await using server = await startServer()
    const { users, groups } = server.provider.services
    await users.create({ username: 'alice', password: PASSWORD })
    await users.create({ username: 'bob', password: PASSWORD })
    for (const name of ['ops', 'dev']) await groups.addMember(await groups.create({ name }), { username: 'alice' })
    const page = async (username: string) => {
      const browser = new Browser(server.url)
      await browser.login(username, PASSWORD)
      const res = await browser.get('/account/applications')
      expect(res.status).toBe(200)
      return res.text()
    }
    expect(await page('alice')).toContain('Your groups: dev, ops.')
    expect(await page('bob')).toContain('You belong to no group.')
  })
})
