/**
 * @module
 * GitLab's `GET /api/v4/user` (REST API, Users: "Get the current user") for Latchkey tokens, for
 * applications built to "log in with GitLab" (issue 16; seed 002 calls it with the OAuth token). The
 * body is GitLab's for the user themselves; what Latchkey does not keep (bio, social accounts,
 * project limits) is answered empty, null, 0 or false, as GitLab answers for an account without it.
 */
import type { Reply, RequestContext } from '../handler/context.ts'
import type { User } from '../services/users/users.ts'
import { currentUser, isoTime, type ForgeUserPorts } from './current-user.ts'

/** What a refusal lists, as GitLab does for this endpoint. */
const GITLAB_SCOPES = ['api', 'read_api', 'read_user']

export async function gitlabCurrentUser(ctx: RequestContext<ForgeUserPorts>): Promise<Reply> {
  const user = await currentUser(ctx, 'gitlab', GITLAB_SCOPES)
  return { type: 'json', body: gitlabUser(user, ctx.config.issuer) }
}

/**
 * `id` is the user's number (a JSON integer: clients decode it as int64). Latchkey keeps no picture and
 * sends no address to a third party (Gravatar), so `avatar_url` is null, as GitLab answers when it has
 * no avatar to show; `web_url` is the user's Latchkey account page.
 */
export function gitlabUser(user: User, issuer: string) {
  const created = isoTime(user.createdAt, true)
  return {
    id: user.number,
    username: user.username,
    name: user.name ?? user.username,
    state: user.disabled ? 'blocked' : 'active',
    locked: false,
    avatar_url: null,
    web_url: `${issuer}/account/applications`,
    created_at: created,
    bio: '',
    location: '',
    public_email: null,
    skype: '',
    linkedin: '',
    twitter: '',
    discord: '',
    website_url: '',
    organization: '',
    job_title: '',
    pronouns: null,
    bot: false,
    work_information: null,
    followers: 0,
    following: 0,
    local_time: null,
    is_admin: user.isAdmin,
    last_sign_in_at: null,
    confirmed_at: null,
    last_activity_on: null,
    email: user.email,
    commit_email: user.email,
    theme_id: 1,
    color_scheme_id: 1,
    projects_limit: 0,
    current_sign_in_at: null,
    identities: [],
    can_create_group: false,
    can_create_project: false,
    two_factor_enabled: false,
    external: false,
    private_profile: false,
  }
}
