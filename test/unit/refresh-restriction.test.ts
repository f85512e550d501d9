/**
 * Issue 16, RFC 6749 §5.2: the refresh grant of an application restricted to groups, on its port with
 * stubs. The usual refusal comes before rotating (tested end to end in test/rfc6749/group-restriction);
 * this is the backstop after it, for an answer given to a token that was not "active" (a replay inside
 * a rotation grace period) or a removal that raced the refresh: the new family is revoked, and refused.
 */
import { describe, expect, test } from 'bun:test'
import { loadConfig } from '../../src/config.ts'
import { InvalidGrant } from '../../src/handler/errors.ts'
import { refreshToken, type RefreshTokenPorts } from '../../src/oauth/grants/refresh-token.ts'
import type { Application } from '../../src/services/applications/applications.ts'

const client = {
  id: 'app-1',
  clientId: 'lk_client',
  grantTypes: ['refresh_token'],
  scopes: ['read_user'],
  restrictedToGroups: true,
} as Application

function stubPort(revoked: string[], checked: string[]): RefreshTokenPorts {
  return {
    tokens: {
      // A rotated token replayed inside a grace period is not active: the check before rotating is skipped.
      findActive: async () => undefined,
      rotateRefresh: async () => ({
        ok: true,
        userId: 'user-1',
        authTime: 1,
        nonce: null,
        tokens: {
          accessToken: 'lkat_new',
          accessTokenId: 't-2',
          expiresIn: 3600,
          refreshToken: 'lkrt_new',
          scopes: ['read_user'],
          createdAt: 1,
        },
      }),
      revoke: async (value: string) => {
        revoked.push(value)
      },
    },
    applications: {
      mayUse: async (_app: unknown, userId: string) => {
        checked.push(userId)
        return false
      },
    },
    scopes: { expand: async (names: string[]) => [...names] },
  } as unknown as RefreshTokenPorts
}

describe('issue 16: the refresh backstop (RFC 6749 §5.2)', () => {
  test('a user outside the groups who got an answer anyway is refused, and what was issued is revoked', async () => {
    const revoked: string[] = []
    const checked: string[] = []
    const run = refreshToken.handle({
      client,
      params: { refresh_token: 'lkrt_old' },
      services: stubPort(revoked, checked),
      config: loadConfig({ flags: {}, env: {} }),
      clock: { now: () => 1_800_000_000 },
      ip: '192.0.2.1',
    })
    await expect(run).rejects.toBeInstanceOf(InvalidGrant)
    expect(checked).toEqual(['user-1'])
    expect(revoked).toEqual(['lkrt_new'])
  })
})
