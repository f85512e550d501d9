/**
 * Issue 16: `latchkey app import --preset git-helpers` registers the git credential helpers' public
 * clients once (a second run changes nothing and says so; --force sets changed ones back), and
 * `app create --client-id` takes a chosen, validated, unique client id. The commands run in-process
 * against one database (../helpers/cli.ts).
 */
import { describe, expect, test } from 'bun:test'
import { startCliServer } from '../helpers/cli.ts'

const OAUTH = 'a4792ccc-144e-407e-86c9-5e7d8d9c3269'
const GCM = 'e90ee53c-94e2-48ac-9358-a874fb9e0662'

interface AppJson {
  client_id: string
  name: string
  public: boolean
  scopes: string[]
  default_scopes: string[] | null
  refresh_grace_period: number
  grant_types: string[]
  redirect_uris: string[]
}
interface PresetJson {
  created: AppJson[]
  reset: AppJson[]
  unchanged: AppJson[]
  kept: (AppJson & { differences: string[] })[]
}

describe('issue 16: latchkey app import --preset git-helpers', () => {
  test('needs a forge vocabulary first, and says which command adds one', async () => {
    await using lk = await startCliServer()
    const r = await lk.run(['app', 'import', '--preset', 'git-helpers'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('latchkey scope import --preset gitea')
    expect((await lk.run(['app', 'list', '--json'])).stdout).toBe('[]\n')
  })

  test('registers both helpers: public, loopback, device grant, repository scopes; twice is a no-op', async () => {
    await using lk = await startCliServer()
    expect((await lk.run(['scope', 'import', '--preset', 'gitea'])).code).toBe(0)
    const first = await lk.run(['app', 'import', '--preset', 'git-helpers', '--json'])
    expect(first.code).toBe(0)
    const created = (JSON.parse(first.stdout) as PresetJson).created
    expect(created.map((a) => a.client_id).sort()).toEqual([OAUTH, GCM].sort())
    for (const a of created) {
      expect(a.public).toBe(true)
      expect(a.grant_types).toEqual([
        'authorization_code',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:device_code',
      ])
      expect(a.redirect_uris).toContain('http://127.0.0.1')
      expect(a.redirect_uris).toContain('http://127.0.0.1/')
      expect(a.scopes).toEqual(['read:repository', 'write:repository'])
      expect(a.default_scopes).toEqual(['write:repository'])
      expect(a.refresh_grace_period).toBe(10)
    }
    const again = await lk.run(['app', 'import', '--preset', 'git-helpers'])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain(`unchanged ${OAUTH}`)
    expect(again.stdout).toContain('nothing changed')
    expect(JSON.parse((await lk.run(['app', 'list', '--json'])).stdout)).toHaveLength(2)
  })

  test('an application changed since is kept and named; --force sets it back', async () => {
    await using lk = await startCliServer()
    await lk.run(['scope', 'import', '--preset', 'gitlab', '--force'])
    await lk.run(['app', 'import', '--preset', 'git-helpers'])
    const update = ['app', 'update', OAUTH, '--default-scopes', 'read_repository', '--refresh-grace-period', '0']
    expect((await lk.run(update)).code).toBe(0)
    const kept = await lk.run(['app', 'import', '--preset', 'git-helpers', '--json'])
    expect(JSON.parse(kept.stdout).kept).toMatchObject([
      { client_id: OAUTH, default_scopes: ['read_repository'], differences: ['defaultScopes', 'refreshGracePeriod'] },
    ])
    const forced = await lk.run(['app', 'import', '--preset', 'git-helpers', '--force', '--json'])
    expect(JSON.parse(forced.stdout).reset).toMatchObject([
      { client_id: OAUTH, default_scopes: ['write_repository'], refresh_grace_period: 10 },
    ])
    expect(JSON.parse((await lk.run(['app', 'import', '--preset', 'git-helpers', '--json'])).stdout)).toMatchObject({
      created: [],
      reset: [],
      kept: [],
    })
  })

  test('a confidential application holding a helper id is never turned public, even with --force', async () => {
    await using lk = await startCliServer()
    await lk.run(['scope', 'import', '--preset', 'gitea'])
    const squat = ['app', 'create', '--name', 'Mine', '--client-id', GCM, '--redirect-uri', 'https://a.example/cb']
    expect((await lk.run(squat)).code).toBe(0)
    const r = await lk.run(['app', 'import', '--preset', 'git-helpers', '--force'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('confidential')
    expect(JSON.parse((await lk.run(['app', 'list', '--json'])).stdout)).toHaveLength(1) // nothing half-written
  })

  test('an unknown preset is a usage error naming the presets', async () => {
    await using lk = await startCliServer()
    const r = await lk.run(['app', 'import', '--preset', 'gitea'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('git-helpers')
  })
})

describe('issue 16: latchkey app create --client-id and --default-scopes', () => {
  test('a chosen client id is used, validated (RFC 3986 unreserved characters) and unique', async () => {
    await using lk = await startCliServer()
    const create = (id: string) =>
      lk.run(['app', 'create', '--name', 'Tea', '--public', '--redirect-uri', 'http://127.0.0.1', '--client-id', id])
    const made = await lk.run([
      'app',
      'create',
      '--name',
      'Tea',
      '--public',
      '--redirect-uri',
      'http://127.0.0.1',
      '--client-id',
      'd57cb8c4-630c-4168-8324-ec79935e18d4',
      '--json',
    ])
    expect(JSON.parse(made.stdout).client_id).toBe('d57cb8c4-630c-4168-8324-ec79935e18d4')
    const taken = await create('d57cb8c4-630c-4168-8324-ec79935e18d4')
    expect(taken.code).toBe(1)
    expect(taken.stderr).toContain('--client-id: client id d57cb8c4-630c-4168-8324-ec79935e18d4 is already taken')
    for (const bad of ['has space', 'a:b', 'x', 'é-app', 'a'.repeat(129)]) {
      const r = await create(bad)
      expect({ bad, code: r.code }).toEqual({ bad, code: 1 })
      expect(r.stderr).toContain('--client-id')
    }
  })

  test('default scopes are within the allowed ones; "default" resets to the server rule', async () => {
    await using lk = await startCliServer()
    const base = [
      'app',
      'create',
      '--name',
      'X',
      '--redirect-uri',
      'https://x.example/cb',
      '--scopes',
      'openid read_user',
    ]
    const outside = await lk.run([...base, '--default-scopes', 'api'])
    expect(outside.code).toBe(1)
    expect(outside.stderr).toContain('--default-scopes')
    const made = JSON.parse((await lk.run([...base, '--default-scopes', 'read_user', '--json'])).stdout) as AppJson
    expect(made.default_scopes).toEqual(['read_user'])
    const narrowed = await lk.run(['app', 'update', made.client_id, '--scopes', 'openid'])
    expect(narrowed.code).toBe(1) // read_user would no longer be allowed
    const reset = await lk.run(['app', 'update', made.client_id, '--default-scopes', 'default', '--json'])
    expect(JSON.parse(reset.stdout).default_scopes).toBeNull()
  })
})
