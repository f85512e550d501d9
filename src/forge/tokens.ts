/**
 * @module
 * How each forge's API clients send a token (issue 16). A token may come one way only (RFC 6750 §2:
 * "MUST NOT use more than one method"); a personal-only way refuses OAuth access tokens, as GitLab does.
 * - GitLab (REST API docs, "Authentication"): `Authorization: Bearer`, `?access_token=` (seed 002),
 *   and for personal access tokens `PRIVATE-TOKEN:` or `?private_token=`.
 * - Gitea (API usage docs): `Authorization: token` or `Authorization: Bearer`, `?access_token=` (the
 *   only way markbates/goth, the login library Gitea itself uses, sends it) and `?token=`.
 */
import { InvalidRequest, InvalidToken } from '../handler/errors.ts'
import type { Params } from '../handler/params.ts'

export type ForgeDialect = 'gitlab' | 'gitea'

/** A token as sent: its value, and whether the way it came accepts personal access tokens only. */
export interface PresentedToken {
  value: string | undefined
  personalOnly: boolean
}

/** RFC 6750 §2.1's b64token: what a token sent in a header may look like. */
const TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/
const SCHEMES: Record<ForgeDialect, RegExp> = {
  gitlab: /^Bearer +(\S+) *$/i,
  gitea: /^(?:Bearer|token) +(\S+) *$/i,
}
/** Query parameters, and the one header besides Authorization, each with whether it is personal-only. */
const QUERY: Record<ForgeDialect, Array<[name: string, personalOnly: boolean]>> = {
  gitlab: [
    ['access_token', false],
    ['private_token', true],
  ],
  gitea: [
    ['access_token', false],
    ['token', false],
  ],
}

export function presentedToken(dialect: ForgeDialect, request: Request, query: Params): PresentedToken {
  const found: PresentedToken[] = []
  const authorization = request.headers.get('authorization')
  if (authorization !== null) {
    const value = SCHEMES[dialect].exec(authorization)?.[1]
    if (value === undefined || !TOKEN.test(value))
      throw new InvalidToken(
        `the Authorization header is not ${dialect === 'gitea' ? 'a token or ' : 'a '}Bearer token`,
      )
    found.push({ value, personalOnly: false })
  }
  const privateToken = dialect === 'gitlab' ? request.headers.get('private-token') : null
  if (privateToken !== null) {
    if (!TOKEN.test(privateToken.trim())) throw new InvalidToken('the PRIVATE-TOKEN header is not a token')
    found.push({ value: privateToken.trim(), personalOnly: true })
  }
  for (const [name, personalOnly] of QUERY[dialect])
    if (query[name] !== undefined) found.push({ value: query[name], personalOnly })
  if (found.length > 1) throw new InvalidRequest('the token was sent in more than one way')
  return found[0] ?? { value: undefined, personalOnly: false }
}
