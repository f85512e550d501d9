/** The audit log: filter by type, user and application; paginate. */
import { useState } from 'preact/hooks'
import { applicationId, type Connection, FIRST_PAGE, gql, nodes, PAGE_INFO, type PageWindow, userId } from '../api.ts'
import { Empty, href, Loading, Pager, useLoad, When } from '../ui.tsx'

interface AuditEvent {
  id: string
  type: string
  createdAt: string
  ip: string | null
  detail: Record<string, unknown> | null
  actor: { username: string } | null
  user: { username: string } | null
  application: { name: string } | null
}

export const EVENT_TYPES = [
  'session.started',
  'grant.approved',
  'application.created',
  'application.deleted',
  'application.secret_rotated',
  'application.tokens_revoked',
  'user.created',
  'user.created_by_admin',
  'user.updated',
  'user.disabled',
  'user.disabled_by_admin',
  'user.enabled',
  'user.deleted',
  'user.password_set',
  'user.password_reset',
  'user.lockout_cleared',
  'user.tokens_revoked',
  'personal_token.created',
  'refresh_token.reused',
  'code.reused',
  'scope.created',
  'scope.updated',
  'scope.deleted',
  'group.created',
  'group.deleted',
  'group.member_added',
  'group.member_removed',
  'signing_key.rotated',
  'database.imported',
]

function detailText(detail: Record<string, unknown> | null): string {
  if (!detail) return ''
  return Object.entries(detail)
    .map(
      ([k, v]) =>
        `${k}: ${Array.isArray(v) ? v.join(' ') : typeof v === 'object' && v ? JSON.stringify(v) : String(v)}`,
    )
    .join(' · ')
}

/** From the start of the first UTC day to the end of the last one (both inclusive). */
function utcDays(from: string, to: string): { since?: string; until?: string } {
  const since = from ? new Date(`${from}T00:00:00Z`) : undefined
  const until = to ? new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000) : undefined
  return {
    since: since && !Number.isNaN(since.getTime()) ? since.toISOString() : undefined,
    until: until && !Number.isNaN(until.getTime()) ? until.toISOString() : undefined,
  }
}

export function Audit(props: { query: URLSearchParams }) {
  const filter = {
    type: props.query.get('type') ?? '',
    user: props.query.get('user') ?? '',
    application: props.query.get('application') ?? '',
    from: props.query.get('from') ?? '',
    to: props.query.get('to') ?? '',
  }
  const [draft, setDraft] = useState(filter)
  const [page, setPage] = useState<PageWindow>(FIRST_PAGE)
  const key = JSON.stringify(filter)
  const events = useLoad(async () => {
    const user = filter.user ? await userId(filter.user) : undefined
    const application = filter.application ? await applicationId(filter.application) : undefined
    if (user === null || application === null) return null
    return gql<{ auditEvents: Connection<AuditEvent> }>(
      `query($type: String, $user: ID, $application: ID, $since: DateTime, $until: DateTime,
          $first: Int, $after: String, $last: Int, $before: String) {
        auditEvents(type: $type, user: $user, application: $application, since: $since, until: $until,
            first: $first, after: $after, last: $last, before: $before) {
          edges { node { id type createdAt ip detail actor { username } user { username } application { name } } }
          ${PAGE_INFO} } }`,
      { type: filter.type || undefined, user, application, ...utcDays(filter.from, filter.to), ...page },
    )
  }, [key, page])
  const set = (k: keyof typeof filter) => (e: { currentTarget: { value: string } }) =>
    setDraft((o) => ({ ...o, [k]: e.currentTarget.value }))
  return (
    <>
      <h1>Audit log</h1>
      <p class="lead">Who did what and when, newest first.</p>
      <form
        class="toolbar filters"
        onSubmit={(e) => {
          e.preventDefault()
          setPage(FIRST_PAGE)
          location.hash = href('audit', draft)
        }}
      >
        <label>
          Event
          <select name="type" value={draft.type} onChange={set('type')}>
            <option value="">Any</option>
            {EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          User <input name="user" value={draft.user} onInput={set('user')} placeholder="username" />
        </label>
        <label>
          Application{' '}
          <input name="application" value={draft.application} onInput={set('application')} placeholder="client ID" />
        </label>
        <label>
          From (UTC) <input type="date" name="from" value={draft.from} onInput={set('from')} />
        </label>
        <label>
          To (UTC) <input type="date" name="to" value={draft.to} onInput={set('to')} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <Loading of={events}>
        {(data) => {
          if (!data) return <Empty title="No such user or application.">Check the username and client ID.</Empty>
          const list = nodes(data.auditEvents)
          if (!list.length)
            return Object.values(filter).some(Boolean) ? (
              <Empty title="No events match these filters.">Widen the days or clear a filter.</Empty>
            ) : (
              <Empty title="Nothing recorded yet.">Sign-ins and changes appear here.</Empty>
            )
          return (
            <>
              <table>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Event</th>
                    <th scope="col">By</th>
                    <th scope="col">User</th>
                    <th scope="col">Application</th>
                    <th scope="col">Details</th>
                    <th scope="col">IP</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((e) => (
                    <tr key={e.id}>
                      <td class="nowrap">
                        <When at={e.createdAt} />
                      </td>
                      <td>
                        <code>{e.type}</code>
                      </td>
                      <td>{e.actor?.username ?? '—'}</td>
                      <td>{e.user?.username ?? '—'}</td>
                      <td>{e.application?.name ?? '—'}</td>
                      <td class="detail">{detailText(e.detail)}</td>
                      <td>{e.ip ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager pageInfo={data.auditEvents.pageInfo} onPage={setPage} />
            </>
          )
        }}
      </Loading>
    </>
  )
}
