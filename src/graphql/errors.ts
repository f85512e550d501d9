/**
 * @module
 * Expected failures as types a client can switch on. The domain's own error classes are the
 * GraphQL types (one mapping, no re-throwing): Invalid → ValidationError, NotFound →
 * NotFoundError, Conflict → ConflictError, Forbidden → ForbiddenError. Anything else is masked.
 */
import { Conflict, type DomainError, Forbidden, Invalid, NotFound } from '../services/shared/errors.ts'
import { builder } from './builder.ts'

export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'An expected failure: the message is safe to show, `field` names the input at fault.',
  fields: (t) => ({
    message: t.exposeString('message'),
    field: t.string({ nullable: true, resolve: (e) => e.field ?? null }),
  }),
})

for (const [cls, name, description] of [
  [Invalid, 'ValidationError', 'The input broke a rule (see `field`).'],
  [NotFound, 'NotFoundError', 'No such object, or not one the caller may see.'],
  [Conflict, 'ConflictError', 'The change conflicts with existing data.'],
  [Forbidden, 'ForbiddenError', 'The caller is authenticated but may not do this.'],
] as const) {
  builder.objectType(cls as typeof DomainError & (new (m: string, f?: string) => DomainError), {
    name,
    description,
    interfaces: [ErrorInterface],
    isTypeOf: (v) => v instanceof cls,
  })
}

/** Every mutation can fail in these four ways. */
export const MUTATION_ERRORS = [Invalid, NotFound, Conflict, Forbidden]
