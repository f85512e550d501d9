/** @module Every route, with the GitLab (/oauth/*) and Gitea (/login/oauth/*) paths side by side. */
import { graphql } from '../graphql/http.ts'
import { authorize, authorizeDecision } from '../pages/authorize-handlers.ts'
import { deviceAuthorization } from '../oauth/endpoints/device-authorization.ts'
import { revokeAccountApplication, showAccountApplications } from '../pages/account-handlers.ts'
import { showDeviceEntry, submitDeviceCode, submitDeviceDecision } from '../pages/device-handlers.ts'
import { discovery, jwks } from '../oauth/endpoints/discovery.ts'
import { introspect } from '../oauth/endpoints/introspect.ts'
import { revoke } from '../oauth/endpoints/revoke.ts'
import { tokenInfo } from '../oauth/endpoints/token-info.ts'
import { token } from '../oauth/endpoints/token.ts'
import { userinfo } from '../oauth/endpoints/userinfo.ts'
import { showHome, showLogin, showLogout, stylesheet, submitLogin, submitLogout } from '../pages/handlers.ts'
import type { Handler } from '../handler/context.ts'
import { healthz, metricsOnMainPort, readyz } from './ops.ts'

export interface Route {
  methods: Partial<Record<'GET' | 'POST', Handler>>
  /** Token-facing API: CORS with preflight (never on cookie-authenticated pages, RFC 9700 §2.6). */
  cors?: boolean
  /** Errors answer as HTML pages rather than JSON. */
  page?: boolean
  /** Errors answer in GraphQL's shape (`errors[].extensions.code`) rather than OAuth's. */
  graphql?: boolean
  /** Polled by machines: the request line is logged at debug level. */
  quiet?: boolean
}

const authorizeRoute: Route = { methods: { GET: authorize, POST: authorize }, page: true }
const tokenRoute: Route = { methods: { POST: token }, cors: true }
const userinfoRoute: Route = { methods: { GET: userinfo, POST: userinfo }, cors: true }
const jwksRoute: Route = { methods: { GET: jwks }, cors: true }
const introspectRoute: Route = { methods: { POST: introspect }, cors: true }

export const ROUTES: Record<string, Route> = {
  '/graphql': { methods: { GET: graphql, POST: graphql }, cors: true, graphql: true },
  '/healthz': { methods: { GET: healthz }, quiet: true },
  '/readyz': { methods: { GET: readyz }, quiet: true },
  '/metrics': { methods: { GET: metricsOnMainPort }, quiet: true },
  '/': { methods: { GET: showHome }, page: true },
  '/assets/style.css': { methods: { GET: stylesheet } },
  '/login': { methods: { GET: showLogin, POST: submitLogin }, page: true },
  '/logout': { methods: { GET: showLogout, POST: submitLogout }, page: true },
  '/oauth/authorize': authorizeRoute,
  '/login/oauth/authorize': authorizeRoute,
  '/oauth/authorize/decision': { methods: { POST: authorizeDecision }, page: true },
  '/oauth/token': tokenRoute,
  '/login/oauth/access_token': tokenRoute,
  '/oauth/revoke': { methods: { POST: revoke }, cors: true },
  '/oauth/authorize_device': { methods: { POST: deviceAuthorization }, cors: true },
  '/oauth/device': { methods: { GET: showDeviceEntry, POST: submitDeviceCode }, page: true },
  '/oauth/device/decision': { methods: { POST: submitDeviceDecision }, page: true },
  '/account/applications': { methods: { GET: showAccountApplications }, page: true },
  '/account/applications/revoke': { methods: { POST: revokeAccountApplication }, page: true },
  '/oauth/introspect': introspectRoute,
  '/login/oauth/introspect': introspectRoute,
  '/oauth/token/info': { methods: { GET: tokenInfo }, cors: true },
  '/oauth/userinfo': userinfoRoute,
  '/login/oauth/userinfo': userinfoRoute,
  '/oauth/discovery/keys': jwksRoute,
  '/login/oauth/keys': jwksRoute,
  '/.well-known/openid-configuration': { methods: { GET: discovery }, cors: true },
  '/.well-known/oauth-authorization-server': { methods: { GET: discovery }, cors: true },
}
