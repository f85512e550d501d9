/**
 * @module
 * User passwords: Argon2id through Bun.password, which hashes on a worker thread, off the event loop.
 *
 * Parameters (set explicitly, not left to Bun's defaults): m = 19 MiB, t = 2, p = 1, OWASP Password
 * Storage Cheat Sheet's first recommended Argon2id configuration. Bun's defaults are m = 64 MiB, t = 2,
 * p = 1, several times dearer (bench/README.md, "Figures behind the code"), so a small box can afford
 * several of these at once. Hashes made with other parameters (older ones, Bun's
 * defaults) still verify, since each hash carries its own; they are rehashed on the next successful
 * login (`needsRehash`).
 *
 * Each hash and verification takes one of `concurrency` slots; excess callers wait in a FIFO queue of
 * at most `maxQueued`, and beyond that are refused at once with {@link PasswordHasherBusy} (answered
 * as 503 with Retry-After), so a login flood cannot take every core from the token endpoint or grow
 * an unbounded backlog of 19 MiB jobs.
 */
import { availableParallelism } from 'node:os'

export const ARGON2_PARAMS = { algorithm: 'argon2id', memoryCost: 19_456, timeCost: 2 } as const
/** The PHC parameter segment a current hash carries. */
const CURRENT_PHC = `$argon2id$v=19$m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=1$`
/**
 * Waiting callers allowed per slot: well under a second of queued work
 * (bench/README.md, "Figures behind the code").
 */
export const QUEUED_PER_SLOT = 16

/** Every slot is busy and the queue is full: try again in a moment. */
export class PasswordHasherBusy extends Error {
  override name = 'PasswordHasherBusy'
  readonly retryAfter = 1
  constructor() {
    super('too many sign-ins are being checked right now; try again in a moment')
  }
}

export interface PasswordHasher {
  hash(password: string): Promise<string>
  /** False for a wrong password or an unreadable hash; throws PasswordHasherBusy when saturated. */
  verify(password: string, hash: string): Promise<boolean>
  /** Verified against when the user does not exist, so unknown users cost the same time. */
  dummyHash(): Promise<string>
  readonly concurrency: number
  readonly maxQueued: number
  /**
   * The refusal (counted like any other) when a verification asked for now would be refused, so a
   * caller can answer before doing any other work; undefined while there is room.
   */
  refuseIfSaturated(): PasswordHasherBusy | undefined
  stats(): { running: number; queued: number; refused: number }
}

/** 0 means "automatic": half the cores, at least one, so hashing never holds every core. */
export function resolvePasswordConcurrency(configured: number, cores = availableParallelism()): number {
  return configured > 0 ? configured : Math.max(1, Math.floor(cores / 2))
}

/** True when a stored hash was made with other parameters (or another algorithm) than today's. */
export function needsRehash(hash: string): boolean {
  return !hash.startsWith(CURRENT_PHC)
}

export function createPasswordHasher(concurrency: number, maxQueued = concurrency * QUEUED_PER_SLOT): PasswordHasher {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError('password hasher concurrency must be a positive integer')
  let running = 0
  let refused = 0
  const waiting: Array<() => void> = []

  async function withSlot<T>(work: () => Promise<T>): Promise<T> {
    if (running < concurrency) running++
    else if (waiting.length >= maxQueued) {
      refused++
      throw new PasswordHasherBusy()
    } else await new Promise<void>((resolve) => waiting.push(resolve)) // the slot is handed over by release
    try {
      return await work()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else running--
    }
  }

  let dummy: Promise<string> | undefined
  const hasher: PasswordHasher = {
    concurrency,
    maxQueued,
    hash: (password) => withSlot(() => Bun.password.hash(password, ARGON2_PARAMS)),
    verify: (password, hash) =>
      withSlot(async () => {
        try {
          return await Bun.password.verify(password, hash)
        } catch {
          return false
        }
      }),
    dummyHash() {
      if (!dummy) {
        dummy = hasher.hash('latchkey-timing-equaliser')
        dummy.catch(() => (dummy = undefined)) // refused while busy: try again next time
      }
      return dummy
    },
    refuseIfSaturated() {
      if (running < concurrency || waiting.length < maxQueued) return undefined
      refused++
      return new PasswordHasherBusy()
    },
    stats: () => ({ running, queued: waiting.length, refused }),
  }
  return hasher
}
