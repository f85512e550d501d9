/** @module SigningKey: public JWK and status; the private key never leaves the store. */
import { SigningKeyRef } from '../refs.ts'

SigningKeyRef.implement({
  authScopes: { adminRead: true },
  fields: (t) => ({
    kid: t.exposeString('kid'),
    algorithm: t.exposeString('alg'),
    status: t.exposeString('status', { description: 'active (signs) or retired (published until publishUntil).' }),
    publicJwk: t.expose('publicJwk', { type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    retiredAt: t.expose('retiredAt', { type: 'DateTime', nullable: true }),
    publishUntil: t.expose('publishUntil', { type: 'DateTime', nullable: true }),
  }),
})
