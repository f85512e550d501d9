/** Grants and tokens, filtered by user, application and state; revoke. */
import { useState } from 'preact/hooks'
import {
  applicationId,
  type Connection,
  FIRST_PAGE,
  gql,
  mutate,
  nodes,
  PAGE_INFO,
  type PageWindow,
  userId,
} from '../api.ts'
import { announce, Confirm, Empty, href, Loading, Pager, Tags, useCanWrite, useLoad, When } from '../ui.tsx'

interface Token {
  id: string
  kind: string
  prefix: string
  lastCharacters: string
  active: boolean
  scopes: string[]
  createdAt: string
  expiresAt: string | null
  lastUsedAt: string | null
  revokedAt: string | null
  user: { username: string } | null
  application: { name: string; clientId: string } | null
}

interface Grant {
  id: string
  active: boolean
  scopes: string[]
  createdAt: string
  user: { username: string } | null
  application: { name: string; clientId: string } | null
}

type Filter = { view: string; user: string; application: string; state: string; kind: string }

export function Tokens(props: { query: URLSearchParams }) {
  const q = props.query
  const filter: Filter = {
    view: q.get('view') ?? 'tokens',
    user: q.get('user') ?? '',
    application: q.get('application') ?? '',
    state: q.get('state') ?? 'ACTIVE',
    kind: q.get('kind') ?? '',
  }
  const [draft, setDraft] = useState(filter)
  const key = JSON.stringify(filter)
  const apply = (f: Filter) => {
    location.hash = href('tokens', { ...f, state: f.state })
  }
  const set = (k: keyof Filter) => (e: { currentTarget: { value: string } }) =>
    setDraft((o) => ({ ...o, [k]: e.currentTarget.value }))
  return (
    <>
      <h1>Grants &amp; tokens</h1>
      <p class="lead">
        A grant is a user's consent to an application; revoking it revokes every token issued under it. Revoking a token
        ends just that token (and its refresh family).
      </p>
      <nav class="tabs" aria-label="What to list">
        {[
          ['tokens', 'Tokens'],
          ['grants', 'Grants'],
        ].map(([view, label]) => (
          <a
            key={view}
            aria-current={filter.view === view ? 'page' : undefined}
            href={href('tokens', { ...filter, view })}
            class={filter.view === view ? 'active' : undefined}
          >
            {label}
          </a>
        ))}
      </nav>
      <form
        class="toolbar filters"
        onSubmit={(e) => {
          e.preventDefault()
          apply({ ...draft, view: filter.view })
        }}
      >
        <label>
          User <input name="user" value={draft.user} onInput={set('user')} placeholder="username" />
        </label>
        <label>
          Application{' '}
          <input name="application" value={draft.application} onInput={set('application')} placeholder="client ID" />
        </label>
        <label>
          State
          <select name="state" value={draft.state} onChange={set('state')}>
            <option value="ACTIVE">Active</option>
            <option value="INACTIVE">Revoked or expired</option>
            <option value="ALL">Any</option>
          </select>
        </label>
        {filter.view === 'tokens' && (
          <label>
            Kind
            <select name="kind" value={draft.kind} onChange={set('kind')}>
              <option value="">Any</option>
              <option value="ACCESS">Access</option>
              <option value="REFRESH">Refresh</option>
              <option value="PERSONAL">Personal</option>
            </select>
          </label>
        )}
        <button type="submit">Filter</button>
      </form>
      {filter.view === 'grants' ? <GrantList key={key} filter={filter} /> : <TokenList key={key} filter={filter} />}
    </>
  )
}

/** The filter's user and application as IDs; null when one named does not exist. */
async function ids(filter: Filter): Promise<Record<string, unknown> | null> {
  const user = filter.user ? await userId(filter.user) : undefined
  const application = filter.application ? await applicationId(filter.application) : undefined
  if (user === null || application === null) return null
  return { user, application, state: filter.state === 'ALL' ? undefined : filter.state }
}

function TokenList(props: { filter: Filter }) {
  const canWrite = useCanWrite()
  const [page, setPage] = useState<PageWindow>(FIRST_PAGE)
  const [revoking, setRevoking] = useState<Token>()
  const list = useLoad(async () => {
    const vars = await ids(props.filter)
    if (!vars) return null
    return gql<{ tokens: Connection<Token> }>(
      `query($user: ID, $application: ID, $state: TokenState, $kind: TokenKind,
          $first: Int, $after: String, $last: Int, $before: String) {
        tokens(user: $user, application: $application, state: $state, kind: $kind,
            first: $first, after: $after, last: $last, before: $before) {
          edges { node { id kind prefix lastCharacters active scopes createdAt expiresAt lastUsedAt revokedAt
            user { username } application { name clientId } } }
          ${PAGE_INFO} } }`,
      { ...vars, kind: props.filter.kind || undefined, ...page },
    )
  }, [page])
  return (
    <Loading of={list}>
      {(data) => {
        if (!data) return <Empty title="No such user or application.">Check the username and client ID.</Empty>
        const tokens = nodes(data.tokens)
        if (!tokens.length)
          return (
            <Empty title="No tokens match.">
              Tokens appear when users sign in to an application, or create personal access tokens.
            </Empty>
          )
        return (
          <>
            <table>
              <thead>
                <tr>
                  <th scope="col">Token</th>
                  <th scope="col">Kind</th>
                  <th scope="col">User</th>
                  <th scope="col">Application</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Issued</th>
                  <th scope="col">Expires</th>
                  <th scope="col">State</th>
                  {canWrite && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {tokens.map((t) => (
                  <tr key={t.id} data-token={`${t.prefix}…${t.lastCharacters}`}>
                    <td>
                      <code>
                        {t.prefix}…{t.lastCharacters}
                      </code>
                    </td>
                    <td>{t.kind.toLowerCase()}</td>
                    <td>{t.user?.username ?? '—'}</td>
                    <td>{t.application?.name ?? '—'}</td>
                    <td>
                      <Tags items={t.scopes} />
                    </td>
                    <td>
                      <When at={t.createdAt} />
                    </td>
                    <td>
                      <When at={t.expiresAt} />
                    </td>
                    <td>
                      {t.active ? <span class="tag good">active</span> : <span class="tag">revoked or expired</span>}
                    </td>
                    {canWrite && (
                      <td>
                        {t.active && (
                          <button type="button" class="small danger" onClick={() => setRevoking(t)}>
                            Revoke <span class="sr">{`${t.prefix}…${t.lastCharacters}`}</span>
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager pageInfo={data.tokens.pageInfo} onPage={setPage} />
            {revoking && (
              <Confirm
                title="Revoke this token?"
                what={
                  <p>
                    <code>
                      {revoking.prefix}…{revoking.lastCharacters}
                    </code>{' '}
                    stops working at once
                    {revoking.kind === 'PERSONAL' ? '.' : ', and so does the refresh-token family it belongs to.'}
                  </p>
                }
                action="Revoke token"
                onClose={() => setRevoking(undefined)}
                onConfirm={async () => {
                  await mutate(
                    `mutation($input: TokenIdInput!) { revokeToken(input: $input) {
                      __typename ...Err ... on RevokeTokenPayload { token { id } } } }`,
                    { id: revoking.id },
                  )
                  announce('The token was revoked.')
                  setRevoking(undefined)
                  list.reload()
                }}
              />
            )}
          </>
        )
      }}
    </Loading>
  )
}

function GrantList(props: { filter: Filter }) {
  const canWrite = useCanWrite()
  const [page, setPage] = useState<PageWindow>(FIRST_PAGE)
  const [revoking, setRevoking] = useState<Grant>()
  const list = useLoad(async () => {
    const vars = await ids(props.filter)
    if (!vars) return null
    return gql<{ grants: Connection<Grant> }>(
      `query($user: ID, $application: ID, $state: TokenState, $first: Int, $after: String, $last: Int, $before: String) {
        grants(user: $user, application: $application, state: $state,
            first: $first, after: $after, last: $last, before: $before) {
          edges { node { id active scopes createdAt user { username } application { name clientId } } }
          ${PAGE_INFO} } }`,
      { ...vars, ...page },
    )
  }, [page])
  return (
    <Loading of={list}>
      {(data) => {
        if (!data) return <Empty title="No such user or application.">Check the username and client ID.</Empty>
        const grants = nodes(data.grants)
        if (!grants.length)
          return <Empty title="No grants match.">A grant appears when a user approves an application's request.</Empty>
        return (
          <>
            <table>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Application</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Granted</th>
                  <th scope="col">State</th>
                  {canWrite && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {grants.map((g) => (
                  <tr key={g.id}>
                    <td>{g.user?.username ?? '—'}</td>
                    <td>{g.application?.name ?? '—'}</td>
                    <td>
                      <Tags items={g.scopes} />
                    </td>
                    <td>
                      <When at={g.createdAt} />
                    </td>
                    <td>{g.active ? <span class="tag good">active</span> : <span class="tag">revoked</span>}</td>
                    {canWrite && (
                      <td>
                        {g.active && (
                          <button type="button" class="small danger" onClick={() => setRevoking(g)}>
                            Revoke <span class="sr">grant of {g.user?.username}</span>
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager pageInfo={data.grants.pageInfo} onPage={setPage} />
            {revoking && (
              <Confirm
                title="Revoke this grant?"
                what={
                  <p>
                    {revoking.user?.username}'s consent to {revoking.application?.name} is withdrawn and every token
                    issued under it stops working at once. They will be asked again next time.
                  </p>
                }
                action="Revoke grant"
                onClose={() => setRevoking(undefined)}
                onConfirm={async () => {
                  await mutate(
                    `mutation($input: GrantIdInput!) { revokeGrant(input: $input) {
                      __typename ...Err ... on RevokeGrantPayload { grant { id } } } }`,
                    { id: revoking.id },
                  )
                  announce('The grant was revoked.')
                  setRevoking(undefined)
                  list.reload()
                }}
              />
            )}
          </>
        )
      }}
    </Loading>
  )
}
