/**
 * @module
 * CSRF tokens bound to a cookie the browser holds (RFC 6749 §10.12); written in crypto/csrf.ts, which
 * the admin API's browser sessions use too (issue 17).
 */
export { checkCsrf, csrfToken } from '../crypto/csrf.ts'
