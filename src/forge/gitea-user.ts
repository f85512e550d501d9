/**
 * @module
 * Gitea's `GET /api/v1/user` (swagger `userGetCurrent`, struct `User` in modules/structs) for Latchkey
 * tokens, for applications built to "log in with Gitea" (issue 16; seeds 003 and 004 send them to
 * the API with the access token). What Latchkey does not keep is answered as Gitea answers for an
 * account without it: empty strings, zero counts, a last login at the epoch (Gitea's "never").
 */
import type { Reply, RequestContext } from '../handler/context.ts'
import type { User } from '../services/users/users.ts'
import { currentUser, isoTime, type ForgeUserPorts } from './current-user.ts'

/** What a refusal lists, as Gitea does for this endpoint. */
const GITEA_SCOPES = ['read:user']

export async function giteaCurrentUser(ctx: RequestContext<ForgeUserPorts>): Promise<Reply> {
  const user = await currentUser(ctx, 'gitea', GITEA_SCOPES)
  return { type: 'json', body: giteaUser(user, ctx.config.issuer) }
}

/**
 * `id` is the user's number (a JSON integer: clients decode it as int64); `login` and its older twin
 * `username` the username. Latchkey keeps no picture and sends no address to a third party, so
 * `avatar_url` is empty; `html_url` is the user's Latchkey account page.
 */
export function giteaUser(user: User, issuer: string) {
  return {
    id: user.number,
    login: user.username,
    login_name: '',
    source_id: 0,
    full_name: user.name ?? '',
    email: user.email ?? '',
    avatar_url: '',
    html_url: `${issuer}/account/applications`,
    language: '',
    is_admin: user.isAdmin,
    last_login: isoTime(0, false),
    created: isoTime(user.createdAt, false),
    restricted: false,
    active: !user.disabled,
    prohibit_login: user.disabled,
    location: '',
    website: '',
    description: '',
    visibility: 'public',
    followers_count: 0,
    following_count: 0,
    starred_repos_count: 0,
    username: user.username,
  }
}
