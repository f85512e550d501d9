/**
 * @module
 * What domain services throw. Each interface maps these once: oauth/ to an OAuthError, cli/ to
 * exit code 1, graphql/ to a typed error. `field` names the input at fault when there is one.
 *
 * Naming: a class is its `kind` in PascalCase, with no `Error` suffix (`not_found` → NotFound), as
 * OAuth errors are their code (handler/errors.ts); a subclass that refines a kind is named for its case
 * (PresetWouldWiden). GraphQL's types for them add the suffix (NotFoundError, ...: graphql/errors.ts),
 * the usual GraphQL spelling for a result union member.
 */
import type { z } from 'zod'

export abstract class DomainError extends Error {
  abstract readonly kind: 'not_found' | 'conflict' | 'invalid' | 'forbidden'
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = new.target.name
  }

  /** The same error naming the field by another path (an interface's name for the service's field). */
  naming(path: string): DomainError {
    const message =
      this.field !== undefined && this.message.startsWith(`${this.field}: `)
        ? `${path}: ${this.message.slice(this.field.length + 2)}`
        : this.message
    // A copy, not a `new this.constructor(...)`: subclasses (PresetWouldWiden) take other arguments.
    const copy = Object.create(Object.getPrototypeOf(this)) as DomainError
    Object.defineProperties(copy, Object.getOwnPropertyDescriptors(this))
    Object.defineProperties(copy, {
      message: { value: message, writable: true, configurable: true },
      field: { value: path, enumerable: true, configurable: true },
    })
    return copy
  }
}
export class NotFound extends DomainError {
  readonly kind = 'not_found'
}
export class Conflict extends DomainError {
  readonly kind = 'conflict'
}
export class Invalid extends DomainError {
  readonly kind = 'invalid'
}
export class Forbidden extends DomainError {
  readonly kind = 'forbidden'
}

/** Input checked against a zod schema; the first problem becomes an Invalid naming its field. */
export function parseOrInvalid<S extends z.ZodType>(schema: S, input: unknown, field?: string): z.output<S> {
  const r = schema.safeParse(input)
  if (r.success) return r.data
  const issue = r.error.issues[0]!
  const at = field ?? (issue.path.length ? issue.path.join('.') : undefined)
  throw new Invalid(at ? `${at}: ${issue.message}` : issue.message, at)
}

/** The store's verdict that a failure is an outage (503), not a defect; re-exported for the interfaces. */
export { StorageUnavailable, storageUnavailable } from '../../store/faults.ts'
