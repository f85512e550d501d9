/** @module Token: metadata of an access, refresh or personal token. The value is never exposed. */
import { ApplicationRef, TokenKindEnum, TokenRef, UserRef } from '../refs.ts'

TokenRef.implement({
  description: 'A token, recognisable by its prefix and last four characters; its value is never shown again.',
  fields: (t) => ({
    kind: t.expose('kind', { type: TokenKindEnum }),
    prefix: t.exposeString('prefix'),
    lastCharacters: t.exposeString('hint', { description: 'The last four characters of the token.' }),
    scopes: t.exposeStringList('scopes'),
    application: t.field({ type: ApplicationRef, nullable: true, resolve: (x) => x.applicationId }),
    user: t.field({ type: UserRef, nullable: true, resolve: (x) => x.userId }),
    active: t.exposeBoolean('active'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
})
