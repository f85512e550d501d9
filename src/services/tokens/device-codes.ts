/**
 * @module
 * RFC 8628 device authorization: a device code for the polling client, a short user code for the
 * person. Both are stored as SHA-256 only. User codes use 20 consonants (no 0/O, 1/I, no vowels so
 * no words), 8 characters: 20^8 ≈ 2^34.5, ample with entry rate-limited per IP (§5.1, §6.1).
 * Functions with their dependencies named as parameters (like sessions/sessions.ts), bound once by
 * createDeviceCodeService.
 */
import { newId } from '../../crypto/ids.ts'
import { generateSecret, hasPrefix, sha256Hex } from '../../crypto/secrets.ts'
import * as repo from '../../store/repositories/device-codes.ts'
import type { Db } from '../../store/database.ts'
import type { Application } from '../applications/applications.ts'
import type { AuditService } from '../shared/audit.ts'
import type { ServiceDeps } from '../shared/deps.ts'
import type { GrantService } from '../grants/grants.ts'
import { joinList, splitList } from '../shared/lists.ts'

const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ'
const USER_CODE_LENGTH = 8
/** RFC 8628 §3.5: each slow_down adds 5 seconds to the interval. */
const SLOW_DOWN_STEP = 5

export interface DeviceAuthorization {
  deviceCode: string
  userCode: string
  expiresIn: number
  interval: number
}

export interface PendingDeviceRequest {
  id: string
  applicationId: string
  scopes: string[]
}

export type PollResult =
  | { status: 'invalid' | 'expired' | 'denied' | 'consumed' | 'pending' | 'slow_down' }
  | { status: 'approved'; id: string; userId: string; scopes: string[]; authTime: number; resources: string[] }

function randomUserCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(USER_CODE_LENGTH * 2))
  let code = ''
  // Rejection sampling: 240 is the largest multiple of 20 below 256, so every letter is equally likely.
  for (const b of bytes) if (b < 240 && code.length < USER_CODE_LENGTH) code += USER_CODE_ALPHABET[b % 20]
  return code.length === USER_CODE_LENGTH ? code : randomUserCode()
}

/** "abcd-efgh", "ABCD EFGH" and "abcdefgh" are the same code (RFC 8628 §6.1). */
export function normalizeUserCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '')
}

export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`
}

/** What the device-code operations use; each one names the part it needs (Pick). */
export interface DeviceCodeDeps extends ServiceDeps {
  audit: Pick<AuditService, 'record'>
  grants: Pick<GrantService, 'approve'>
}

async function findPendingRow(
  { db, clock }: Pick<ServiceDeps, 'db' | 'clock'>,
  userCode: string,
): Promise<repo.DeviceCodeRow | undefined> {
  const normalized = normalizeUserCode(userCode)
  if (normalized.length !== USER_CODE_LENGTH || ![...normalized].every((c) => USER_CODE_ALPHABET.includes(c)))
    return undefined
  const row = await repo.findDeviceCodeByUserCodeHash(db, sha256Hex(normalized))
  return row && row.status === 'pending' && row.expires_at > clock.now() ? row : undefined
}

/** RFC 8628 §3.1–3.2: a new device code and user code for the application. */
export async function startDeviceAuthorization(
  { db, config, clock }: ServiceDeps,
  application: Application,
  scopes: readonly string[],
  resources: readonly string[] = [],
): Promise<DeviceAuthorization> {
  const deviceCode = generateSecret('deviceCode')
  const userCode = randomUserCode()
  const now = clock.now()
  await repo.insertDeviceCode(db, {
    id: newId(),
    device_code_hash: sha256Hex(deviceCode),
    user_code_hash: sha256Hex(userCode),
    application_id: application.id,
    user_id: null,
    scopes: joinList(scopes),
    status: 'pending',
    interval: config.deviceInterval,
    last_polled_at: null,
    auth_time: null,
    created_at: now,
    expires_at: now + config.deviceCodeTtl,
    resources: resources.length ? joinList(resources) : null,
  })
  return {
    deviceCode,
    userCode: formatUserCode(userCode),
    expiresIn: config.deviceCodeTtl,
    interval: config.deviceInterval,
  }
}

/** A pending, unexpired request for this user code; undefined tells nothing about why. */
export async function findPendingDeviceRequest(
  deps: Pick<ServiceDeps, 'db' | 'clock'>,
  userCode: string,
): Promise<PendingDeviceRequest | undefined> {
  const row = await findPendingRow(deps, userCode)
  return row && { id: row.id, applicationId: row.application_id, scopes: splitList(row.scopes) }
}

/**
 * The user's approval or denial; false when the code is no longer pending (single use). An
 * approval is a grant like a consent (issue 14 §3): it is listed on /account/applications and
 * revoking it there kills the device's tokens.
 */
export async function decideDeviceRequest(
  deps: Pick<DeviceCodeDeps, 'db' | 'clock' | 'audit' | 'grants'>,
  userCode: string,
  userId: string,
  authTime: number,
  approve: boolean,
  ip: string | null,
): Promise<boolean> {
  const { db, clock, audit, grants } = deps
  const row = await findPendingRow(deps, userCode)
  if (!row) return false
  const ok = await repo.decideDeviceCode(db, row.id, {
    status: approve ? 'approved' : 'denied',
    userId,
    authTime,
    now: clock.now(),
  })
  if (!ok) return false
  await audit.record({
    type: approve ? 'device.approved' : 'device.denied',
    userId,
    applicationId: row.application_id,
    ip,
  })
  if (approve) await grants.approve(userId, row.application_id, splitList(row.scopes), ip)
  return true
}

/** RFC 8628 §3.4–3.5: one poll by the client that owns the device code. */
export async function pollDeviceCode(
  { db, clock }: Pick<ServiceDeps, 'db' | 'clock'>,
  deviceCode: string,
  application: Application,
): Promise<PollResult> {
  if (!hasPrefix(deviceCode, 'deviceCode') || deviceCode.length > 128) return { status: 'invalid' }
  const row = await repo.findDeviceCodeByHash(db, sha256Hex(deviceCode))
  if (!row || row.application_id !== application.id) return { status: 'invalid' }
  const now = clock.now()
  if (row.status === 'consumed') return { status: 'consumed' }
  if (row.expires_at <= now) return { status: 'expired' }
  // The turn is taken in the database, not from `row`: simultaneous polls (any instance) race there.
  if (!(await repo.claimPoll(db, row.id, now))) {
    await repo.slowDown(db, row.id, now, SLOW_DOWN_STEP)
    return { status: 'slow_down' }
  }
  if (row.status === 'pending') return { status: 'pending' }
  if (row.status === 'denied') return { status: 'denied' }
  return {
    status: 'approved',
    id: row.id,
    userId: row.user_id!,
    scopes: splitList(row.scopes),
    authTime: row.auth_time ?? now,
    resources: splitList(row.resources),
  }
}

/** Moves an approved device code to consumed inside the token issuance's transaction (tokens.issueOnce). */
export function consumeDeviceCode(trx: Db, id: string): Promise<boolean> {
  return repo.consumeApprovedDeviceCode(trx, id)
}

/** The device-code operations bound to their dependencies (`services.deviceCodes`). */
export function createDeviceCodeService(deps: ServiceDeps, audit: AuditService, grants: GrantService) {
  const d: DeviceCodeDeps = { ...deps, audit, grants }
  return {
    start: (application: Application, scopes: readonly string[], resources?: readonly string[]) =>
      startDeviceAuthorization(d, application, scopes, resources),
    findPending: (userCode: string) => findPendingDeviceRequest(d, userCode),
    decide: (userCode: string, userId: string, authTime: number, approve: boolean, ip: string | null) =>
      decideDeviceRequest(d, userCode, userId, authTime, approve, ip),
    poll: (deviceCode: string, application: Application) => pollDeviceCode(d, deviceCode, application),
    consume: (trx: Db, id: string) => consumeDeviceCode(trx, id),
  }
}
export type DeviceCodeService = ReturnType<typeof createDeviceCodeService>
