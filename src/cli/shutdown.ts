/**
 * @module
 * Graceful shutdown for `latchkey serve` on SIGTERM or SIGINT: stop accepting connections, let
 * in-flight requests finish within `shutdownTimeout`, stop the purger, close the database, exit 0.
 * A second signal exits at once (SQLite stays consistent: every write is a committed transaction
 * or nothing).
 */
import type { Logger } from '../http/logger.ts'

export interface Listener {
  stop(closeActiveConnections?: boolean): Promise<void>
  readonly pendingRequests: number
}

export interface ShutdownPlan {
  server: Listener
  others: Listener[]
  /** Stops background work (the purger); awaited before the database closes. */
  stopBackground(): Promise<void>
  closeStore(): Promise<void>
  logger: Logger
  timeoutSeconds: number
  exit(code: number): void
}

/** Drains and closes everything in order; resolves with the exit code. */
export async function shutdown(plan: ShutdownPlan, signal: string): Promise<number> {
  const { server, logger } = plan
  logger.log('info', 'shutting down', { signal, in_flight: server.pendingRequests, deadline_s: plan.timeoutSeconds })
  const background = plan.stopBackground()
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<false>(
    (resolve) => (timer = setTimeout(() => resolve(false), plan.timeoutSeconds * 1000)),
  )
  const drained = await Promise.race([server.stop(false).then(() => true as const), deadline])
  clearTimeout(timer)
  if (!drained) {
    logger.log('warn', 'shutdown deadline reached; closing remaining connections', {
      in_flight: server.pendingRequests,
    })
    await server.stop(true)
  }
  await Promise.all(plan.others.map((s) => s.stop(true)))
  await background
  await plan.closeStore()
  logger.log('info', 'stopped', { signal, drained })
  return 0
}

/** Installs the signal handlers; the first signal starts `shutdown`, a second one exits now. */
export function onShutdownSignals(plan: ShutdownPlan): void {
  let started = false
  const handle = (signal: NodeJS.Signals) => {
    if (started) {
      plan.logger.log('warn', 'second signal: exiting without draining', { signal })
      return plan.exit(1)
    }
    started = true
    shutdown(plan, signal).then(plan.exit, (e: unknown) => {
      plan.logger.log('error', 'shutdown failed', { error: String((e as Error)?.message ?? e) })
      plan.exit(1)
    })
  }
  process.on('SIGTERM', handle)
  process.on('SIGINT', handle)
}
