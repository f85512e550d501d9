/**
 * @module
 * The table types Kysely checks queries against. Times are epoch seconds; flags are 0/1 integers
 * (portable between SQLite and PostgreSQL); lists are space-separated text, redirect URIs JSON.
 */
import type { ColumnType, Generated, Insertable, Kysely, Selectable, Updateable } from 'kysely'
import type { TokenKind } from '../crypto/token-values.ts'

export interface UsersTable {
  id: string
  username: string
  email: string | null
  name: string | null
  password_hash: string
  is_admin: number
  /** 1 when an administrator vouched for `email` (migration 2026_12_02_600); cleared when it changes. */
  email_verified: Generated<number>
  /** 1 for a read-only administrator (migration 2026_12_03_100, issue 17): the console at the `read` level. */
  is_read_only_admin: Generated<number>
  disabled_at: number | null
  created_at: number
  updated_at: number
  /**
   * The user's number (migration 2026_12_02_300), the integer id of the forges' user APIs. Given by
   * insertUser from the `user_number` counter, never by a caller; an import writes it as exported.
   */
  number: ColumnType<number, number | undefined, never>
}

/** Named counters that only grow (`user_number`: the last number given to a user). */
export interface CountersTable {
  name: 'user_number'
  value: number
}

export interface SessionsTable {
  id: string
  token_hash: string
  user_id: string
  auth_time: number
  created_at: number
  expires_at: number
  revoked_at: number | null
  /** Issue 17 (migration 2026_12_03_300): the address and browser that signed in, for the account page. */
  ip: ColumnType<string | null, string | null | undefined, string | null>
  user_agent: ColumnType<string | null, string | null | undefined, string | null>
  /** Issue 17: when a page last saw the session (at most every few minutes); null until then. */
  last_seen_at: ColumnType<number | null, number | null | undefined, number | null>
}

/**
 * Issue 17 (migration 2026_12_03_300): the first-run setup link and password-reset links. Only the
 * SHA-256 of the token is stored; a link is used at most once (used_at) and expires.
 */
export interface OneTimeLinksTable {
  id: string
  purpose: 'setup' | 'password_reset'
  token_hash: string
  /** The account it resets; null for the setup link (there is no user yet). */
  user_id: string | null
  /** The administrator who made it; null for the setup link and the CLI. */
  created_by: string | null
  created_at: number
  expires_at: number
  used_at: number | null
}

export interface ApplicationsTable {
  id: string
  client_id: string
  client_secret_hash: string | null
  name: string
  owner_id: string | null
  is_public: number
  is_trusted: number
  redirect_uris: string
  scopes: string
  grant_types: string
  token_format: string
  id_token_alg: string
  access_token_ttl: number | null
  refresh_token_ttl: number | null
  can_introspect: number
  allow_plain_pkce: number
  refresh_policy: string
  /** Space-separated; null: the server's rule for a request without scope (issue 16). */
  default_scopes: string | null
  /** Issue 16: seconds a rotated refresh token may be replayed by its client; 0 = off. */
  refresh_grace_period: number
  /** 1: only members of the groups in application_groups may use it, none when none are left. */
  group_restricted: Generated<number>
  created_at: number
  updated_at: number
  /** RFC 7591 §2 metadata shown on consent (migration 2026_12_03_400): absolute URLs or null. */
  logo_uri: Generated<string | null>
  client_uri: Generated<string | null>
  policy_uri: Generated<string | null>
  tos_uri: Generated<string | null>
  /** JSON array of strings (RFC 7591 §2 `contacts`). */
  contacts: Generated<string>
  /** How the row came to be: 'admin' | 'dynamic' (RFC 7591) | 'metadata_document' (CIMD). */
  registration: Generated<string>
  /** As registered (RFC 7591 §2); null for applications an administrator made. */
  token_endpoint_auth_method: Generated<string | null>
  /** SHA-256 of the RFC 7592 registration access token; never the token. */
  registration_token_hash: Generated<string | null>
  /** When it first obtained tokens; a self-registered client that never did is purged. */
  grant_completed_at: Generated<number | null>
  /** Issue 18: when the client ID metadata document at client_id was fetched; null: made by an administrator. */
  metadata_fetched_at: Generated<number | null>
  /** Issue 18: until when the fetched document may be used before fetching it again. */
  metadata_expires_at: Generated<number | null>
}

export interface ScopesTable {
  name: string
  description: string
  implies: string
  is_default: number
  created_at: number
  /** 1: a client registering itself under policy `open` may ask for it (migration 2026_12_03_400). */
  self_registration: Generated<number>
}

/** Initial access tokens (RFC 7591 §3) an administrator made; SHA-256 only (migration 2026_12_03_400). */
export interface RegistrationTokensTable {
  id: string
  token_hash: string
  hint: string
  description: string | null
  /** The ceiling, space-separated: a registration made with the token may name only these. */
  scopes: string
  grant_types: string
  /** Null: any number of registrations until it expires. */
  max_uses: number | null
  use_count: Generated<number>
  created_by: string | null
  created_at: number
  expires_at: number
  last_used_at: number | null
  revoked_at: number | null
}

export interface GrantsTable {
  id: string
  user_id: string
  application_id: string
  scopes: string
  created_at: number
  updated_at: number
  revoked_at: number | null
}

export interface AuthorizationCodesTable {
  id: string
  code_hash: string
  application_id: string
  user_id: string
  redirect_uri: string
  redirect_uri_sent: number
  scopes: string
  code_challenge: string | null
  code_challenge_method: string | null
  nonce: string | null
  auth_time: number
  created_at: number
  expires_at: number
  consumed_at: number | null
  /** RFC 8707: the resource URIs authorized, space-separated; null: none (migration 2026_12_03_600). */
  resources: string | null
}

export interface AccessTokensTable {
  id: string
  /** The lookup key: row id and SHA-256 of the token (crypto/token-values.ts), never the token. */
  token_hash: string
  hint: string
  /** Stored words, not `TokenKind`: translate with `storedAccessKind` / `accessKindOfRow` below. */
  kind: StoredAccessKind
  application_id: string | null
  user_id: string | null
  scopes: string
  family_id: string | null
  authorization_code_id: string | null
  created_at: number
  expires_at: number | null
  last_used_at: number | null
  revoked_at: number | null
  /** RFC 8707: the resource URI the token is restricted to; null: a token for Latchkey itself. */
  audience: string | null
}

/** The kinds of token the `access_tokens` table holds (refresh tokens have their own table). */
export type AccessTokenKind = Exclude<TokenKind, 'refresh'>
/**
 * `access_tokens.kind` keeps the values it was created with: 'oauth' for an access token an application
 * obtained, 'personal' for a personal access token. Existing databases hold them, so they stay; the code
 * above the store speaks `TokenKind`, and these two functions are the one place the words are translated.
 */
export type StoredAccessKind = 'oauth' | 'personal'
export function storedAccessKind(kind: AccessTokenKind): StoredAccessKind {
  return kind === 'access' ? 'oauth' : 'personal'
}
export function accessKindOfRow(stored: StoredAccessKind): AccessTokenKind {
  return stored === 'oauth' ? 'access' : 'personal'
}

export interface RefreshTokensTable {
  id: string
  /** The lookup key, as for access tokens. */
  token_hash: string
  hint: string
  family_id: string
  application_id: string
  user_id: string | null
  scopes: string
  auth_time: number | null
  /** The nonce of the authorization request the chain started from (OIDC Core §12.2). */
  nonce: string | null
  authorization_code_id: string | null
  created_at: number
  expires_at: number
  rotated_at: number | null
  revoked_at: number | null
  /** Issue 16: answers given to replays of this token (after its rotation) within the grace period. */
  grace_replays: Generated<number>
  /** RFC 8707: the resource URIs of the grant, space-separated; null: none. */
  resources: string | null
}

export interface DeviceCodesTable {
  id: string
  device_code_hash: string
  user_code_hash: string
  application_id: string
  user_id: string | null
  scopes: string
  status: string
  interval: number
  last_polled_at: number | null
  auth_time: number | null
  created_at: number
  expires_at: number
  /** RFC 8707: the resource URIs requested, space-separated; null: none. */
  resources: string | null
}

/** RFC 8707 resource servers registered by the operator (migration 2026_12_03_600). */
export interface ResourcesTable {
  id: string
  name: string
  /** Absolute, without fragment or query, as `new URL(uri).href` writes it. */
  uri: string
  scopes: string
  token_format: 'opaque' | 'jwt'
  access_token_ttl: number | null
  created_at: number
  updated_at: number
}

export interface SigningKeysTable {
  id: string
  kid: string
  alg: string
  public_jwk: string
  private_jwk: string
  status: 'active' | 'retired'
  created_at: number
  retired_at: number | null
  publish_until: number | null
}

export interface AuditEventsTable {
  id: string
  type: string
  actor_user_id: string | null
  user_id: string | null
  application_id: string | null
  ip: string | null
  detail: string
  created_at: number
}

export interface RateLimitsTable {
  key: string
  window_start: number
  count: number
}

/** Live tokens per application and expiry hour, kept by triggers (migration 2026_11_28_000). */
export interface LiveTokenCountsTable {
  application_id: string
  /** Written by the triggers; the same words as `TokenKind`. */
  kind: Exclude<TokenKind, 'personal'>
  expires_hour: number
  shard: number
  n: number
}

/** Names are unique regardless of case (unique index on lower(name), migration 2026_12_02_200). */
export interface GroupsTable {
  id: string
  name: string
  description: string | null
  created_at: number
  updated_at: number
}

/** One row per membership; goes with its group or its user (ON DELETE CASCADE). */
export interface GroupMembersTable {
  group_id: string
  user_id: string
  created_at: number
}

/** The groups whose members may use an application (migration 2026_12_02_500); cascades both ways. */
export interface ApplicationGroupsTable {
  application_id: string
  group_id: string
}

/** Issue 17: events per UTC day (days since 1970-01-01), summed over shards (migration 2026_12_03_101). */
/** Issue 17: the overview's counters; `shard` is 0 since the counts are written in batches (activity.ts). */
export interface DailyActivityTable {
  day: number
  event: string
  shard: number
  count: number
}

export interface Database {
  users: UsersTable
  sessions: SessionsTable
  applications: ApplicationsTable
  scopes: ScopesTable
  grants: GrantsTable
  authorization_codes: AuthorizationCodesTable
  access_tokens: AccessTokensTable
  refresh_tokens: RefreshTokensTable
  device_codes: DeviceCodesTable
  signing_keys: SigningKeysTable
  audit_events: AuditEventsTable
  rate_limits: RateLimitsTable
  live_token_counts: LiveTokenCountsTable
  groups: GroupsTable
  group_members: GroupMembersTable
  counters: CountersTable
  application_groups: ApplicationGroupsTable
  one_time_links: OneTimeLinksTable
  registration_tokens: RegistrationTokensTable
  resources: ResourcesTable
  daily_activity: DailyActivityTable
}

export type Db = Kysely<Database>
export type Row<T extends keyof Database> = Selectable<Database[T]>
export type NewRow<T extends keyof Database> = Insertable<Database[T]>
export type RowPatch<T extends keyof Database> = Updateable<Database[T]>
