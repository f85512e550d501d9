/** @module Turns Kysely's query log into the metrics hook both dialects share. */
import type { LogEvent } from 'kysely'

export interface StoreOptions {
  /** Called after every query with its first keyword (select, insert, …) and its duration. */
  onQuery?: (operation: string, seconds: number, failed: boolean) => void
}

const OPERATIONS = new Set(['select', 'insert', 'update', 'delete', 'with', 'pragma', 'vacuum'])

/** A bounded label for the metrics: the statement's first keyword. */
function operationOf(sql: string): string {
  const word = /^\s*([a-z]+)/i.exec(sql)?.[1]?.toLowerCase() ?? 'other'
  return OPERATIONS.has(word) ? word : 'other'
}

/** Kysely's `log` option for `onQuery`, or nothing when no hook is wanted. */
export function queryLog({ onQuery }: StoreOptions): { log: (e: LogEvent) => void } | Record<string, never> {
  if (!onQuery) return {}
  return { log: (e) => onQuery(operationOf(e.query.sql), e.queryDurationMillis / 1000, e.level === 'error') }
}
