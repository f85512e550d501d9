/** @module Grant: a user's consent to an application, with the scopes approved. */
import { GrantRef, ApplicationRef, UserRef } from '../refs.ts'

GrantRef.implement({
  description: "A user's consent to an application. Revoking it revokes every token issued under it.",
  fields: (t) => ({
    user: t.field({ type: UserRef, nullable: true, resolve: (g) => g.userId }),
    application: t.field({
      type: ApplicationRef,
      nullable: true,
      description: 'Null when the caller may not see the application.',
      resolve: (g) => g.applicationId,
    }),
    scopes: t.exposeStringList('scopes'),
    active: t.boolean({ resolve: (g) => !g.revoked }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
})
