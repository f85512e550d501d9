/** @module Every route, with the GitLab (/oauth/*) and Gitea (/login/oauth/*) paths side by side. */
import { graphql } from '../graphql/http.ts'
import { authorize, authorizeDecision } from '../pages/authorize-handlers.ts'
import { deviceAuthorization } from '../oauth/endpoints/device-authorization.ts'
import { revokeAccountApplication, showAccountApplications } from '../pages/account-handlers.ts'
import {
  createToken,
  revokeSession,
  revokeToken,
  showPassword,
  showProfile,
  showSessions,
  showTokens,
  submitPassword,
  submitProfile,
} from '../pages/account-self-handlers.ts'
import { showReset, showSetup, submitReset, submitSetup } from '../pages/link-handlers.ts'
import { showDeviceEntry, submitDeviceCode, submitDeviceDecision } from '../pages/device-handlers.ts'
import { discovery, jwks } from '../oauth/endpoints/discovery.ts'
import { introspect } from '../oauth/endpoints/introspect.ts'
import { revoke } from '../oauth/endpoints/revoke.ts'
import {
  deleteClientConfiguration,
  readClientConfiguration,
  register,
  REGISTRATION_PATH,
  refuseRegistrationBody,
  updateClientConfiguration,
} from '../oauth/endpoints/register.ts'
import { tokenInfo } from '../oauth/endpoints/token-info.ts'
import { token } from '../oauth/endpoints/token.ts'
import { userinfo } from '../oauth/endpoints/userinfo.ts'
import { forwardAuth, forwardAuthNginx, forwardAuthReturn, RETURN_PATH } from '../forward-auth/endpoints.ts'
import { giteaCurrentUser } from '../forge/gitea-user.ts'
import { gitlabCurrentUser } from '../forge/gitlab-user.ts'
import type { ForgeDialect } from '../forge/tokens.ts'
import { logo, showHome, showLogin, showLogout, stylesheet, submitLogin, submitLogout } from '../pages/handlers.ts'
import type { Handler } from '../handler/context.ts'
import type { BodyKind } from '../handler/params.ts'
import { healthz, metricsOnMainPort, readyz } from './ops.ts'
import { showConsole, showGraphiQL } from '../pages/admin-console.ts'
import { CONSOLE_ASSETS, consoleAssetFile, GRAPHIQL_ASSETS, graphiqlAssetFile } from './console.ts'

/**
 * One method of a route: its handler and what it reads from the request, which the server parses
 * (handler/params.ts) before the handler runs, so no handler reads a body itself.
 */
export interface Endpoint {
  handle: Handler
  /** The query string's parameters, parsed strictly (RFC 6749 §3.1) into `ctx.query`. */
  query?: boolean
  /** The body, parsed into `ctx.body`; none is read by default. */
  body?: BodyKind
  /**
   * A browser form acting for the user: refused with 403 when posted from another site
   * (http/origin.ts), before its body is read.
   */
  sameOrigin?: boolean
  /**
   * Issue 18: the body is a JSON document (RFC 7591 client metadata), parsed into `ctx.document`; a body
   * that is not one is refused with the error this returns.
   */
  jsonDocument?: (reason: string) => Error
}

/** PUT and DELETE only where a protocol defines them (RFC 7592 client configuration). */
export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'

export interface Route {
  methods: Partial<Record<RouteMethod, Handler | Endpoint>>
  /**
   * Answers every other method the same way: forward auth, whose sub-request carries the original
   * request's method (nginx) and whose body it never reads.
   */
  anyMethod?: Handler | Endpoint
  /** Token-facing API: CORS with preflight (never on cookie-authenticated pages, RFC 9700 §2.6). */
  cors?: boolean
  /** Errors answer as HTML pages rather than JSON. */
  page?: boolean
  /** Errors answer in GraphQL's shape (`errors[].extensions.code`) rather than OAuth's. */
  graphql?: boolean
  /** Errors answer in that forge's API shape (forge/errors.ts): the forges' own user APIs. */
  forge?: ForgeDialect
  /** Polled by machines: the request line is logged at debug level. */
  quiet?: boolean
}

/** A form one of Latchkey's own pages posts. */
const ownForm = (handle: Handler): Endpoint => ({ handle, body: 'form', sameOrigin: true })

const authorizeRoute: Route = {
  methods: { GET: { handle: authorize, query: true }, POST: { handle: authorize, body: 'form' } },
  page: true,
}
const tokenRoute: Route = { methods: { POST: { handle: token, query: true, body: 'form-or-json' } }, cors: true }
const userinfoRoute: Route = {
  methods: { GET: { handle: userinfo, query: true }, POST: { handle: userinfo, query: true, body: 'form-if-sent' } },
  cors: true,
}
const jwksRoute: Route = { methods: { GET: jwks }, cors: true }
const introspectRoute: Route = { methods: { POST: { handle: introspect, body: 'form-or-json' } }, cors: true }
/** Issue 16: the forges' "who am I", GET only (HEAD answers as GET), for their API clients. */
const forgeUserRoute = (handle: Handler, forge: ForgeDialect): Route => ({
  methods: { GET: { handle, query: true } },
  cors: true,
  forge,
})

export const ROUTES: Record<string, Route> = {
  '/graphql': { methods: { GET: graphql, POST: graphql }, cors: true, graphql: true },
  '/healthz': { methods: { GET: healthz }, quiet: true },
  '/readyz': { methods: { GET: readyz }, quiet: true },
  '/metrics': { methods: { GET: metricsOnMainPort }, quiet: true },
  '/': { methods: { GET: showHome }, page: true },
  '/assets/style.css': { methods: { GET: stylesheet } },
  '/assets/logo': { methods: { GET: logo } },
  '/login': { methods: { GET: showLogin, POST: ownForm(submitLogin) }, page: true },
  '/logout': { methods: { GET: showLogout, POST: ownForm(submitLogout) }, page: true },
  '/oauth/authorize': authorizeRoute,
  '/login/oauth/authorize': authorizeRoute,
  '/oauth/authorize/decision': { methods: { POST: ownForm(authorizeDecision) }, page: true },
  '/oauth/token': tokenRoute,
  '/login/oauth/access_token': tokenRoute,
  '/oauth/revoke': { methods: { POST: { handle: revoke, body: 'form-or-json' } }, cors: true },
  '/oauth/authorize_device': { methods: { POST: { handle: deviceAuthorization, body: 'form-or-json' } }, cors: true },
  '/oauth/device': { methods: { GET: showDeviceEntry, POST: ownForm(submitDeviceCode) }, page: true },
  '/oauth/device/decision': { methods: { POST: ownForm(submitDeviceDecision) }, page: true },
  '/account/applications': { methods: { GET: showAccountApplications }, page: true },
  '/account/applications/revoke': { methods: { POST: ownForm(revokeAccountApplication) }, page: true },
  // Issue 17: first run, self-service and one-time password links.
  '/setup': { methods: { GET: { handle: showSetup, query: true }, POST: ownForm(submitSetup) }, page: true },
  '/account': { methods: { GET: showProfile, POST: ownForm(submitProfile) }, page: true },
  '/account/password': { methods: { GET: showPassword, POST: ownForm(submitPassword) }, page: true },
  '/account/sessions': { methods: { GET: showSessions }, page: true },
  '/account/sessions/revoke': { methods: { POST: ownForm(revokeSession) }, page: true },
  '/account/tokens': { methods: { GET: showTokens, POST: ownForm(createToken) }, page: true },
  '/account/tokens/revoke': { methods: { POST: ownForm(revokeToken) }, page: true },
  '/account/reset': { methods: { GET: { handle: showReset, query: true }, POST: ownForm(submitReset) }, page: true },
  '/oauth/introspect': introspectRoute,
  '/login/oauth/introspect': introspectRoute,
  '/oauth/token/info': { methods: { GET: { handle: tokenInfo, query: true } }, cors: true },
  '/oauth/userinfo': userinfoRoute,
  '/login/oauth/userinfo': userinfoRoute,
  '/oauth/discovery/keys': jwksRoute,
  '/login/oauth/keys': jwksRoute,
  '/api/v4/user': forgeUserRoute(gitlabCurrentUser, 'gitlab'),
  '/api/v1/user': forgeUserRoute(giteaCurrentUser, 'gitea'),
  // Issue 18: RFC 7591 registration (POST) and RFC 7592 client configuration (?client_id=ID).
  [REGISTRATION_PATH]: {
    methods: {
      POST: { handle: register, jsonDocument: refuseRegistrationBody },
      GET: { handle: readClientConfiguration, query: true },
      PUT: { handle: updateClientConfiguration, query: true, jsonDocument: refuseRegistrationBody },
      DELETE: { handle: deleteClientConfiguration, query: true },
    },
    cors: true,
  },
  '/.well-known/openid-configuration': { methods: { GET: discovery }, cors: true },
  '/.well-known/oauth-authorization-server': { methods: { GET: discovery }, cors: true },
  // Issue 16: reverse proxies' sub-requests keep the original method; no body is ever read.
  '/forward-auth': { methods: {}, anyMethod: forwardAuth },
  '/forward-auth/nginx': { methods: {}, anyMethod: forwardAuthNginx },
  [RETURN_PATH]: { methods: { GET: { handle: forwardAuthReturn, query: true } }, page: true },
  // Issue 17: the admin console (its files are under /admin/assets/, see routeFor) and GraphiQL.
  '/admin': { methods: { GET: showConsole }, page: true },
  '/admin/graphiql': { methods: { GET: showGraphiQL }, page: true },
}

/** Routes for every path under a folder: the console's and GraphiQL's files (http/console.ts). */
const FOLDERS: Array<[string, Route]> = [
  [CONSOLE_ASSETS, { methods: { GET: consoleAssetFile } }],
  [GRAPHIQL_ASSETS, { methods: { GET: graphiqlAssetFile } }],
]

/** The route for a path: its own, else its folder's. */
export function routeFor(pathname: string): Route | undefined {
  return ROUTES[pathname] ?? FOLDERS.find(([prefix]) => pathname.startsWith(prefix))?.[1]
}
