/** @module Structured JSON logs, one line per request. Never given a secret: callers pass fields, not requests. */
export type Level = 'debug' | 'info' | 'warn' | 'error'
const ORDER: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

export interface Logger {
  log(level: Level, msg: string, fields?: Record<string, unknown>): void
}

export function createLogger(
  minimum: Level | 'silent',
  write: (line: string) => void = (l) => process.stdout.write(l + '\n'),
): Logger {
  return {
    log(level, msg, fields = {}) {
      if (ORDER[level] < ORDER[minimum]) return
      write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }))
    },
  }
}
