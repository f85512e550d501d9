/** Applications: search, paginate, create with every option, edit, rotate the secret, revoke, delete. */
import { useState } from 'preact/hooks'
import {
  type Connection,
  FIRST_PAGE,
  gql,
  mutate,
  nodes,
  PAGE_INFO,
  type PageWindow,
  userId,
  MutationError,
} from '../api.ts'
import {
  announce,
  CheckField,
  CheckGroup,
  Confirm,
  Dialog,
  Empty,
  FormError,
  href,
  Loading,
  Pager,
  SecretOnce,
  SelectField,
  Tags,
  TextField,
  useCanWrite,
  useForm,
  useLoad,
  When,
  words,
  lines,
} from '../ui.tsx'

interface Application {
  id: string
  clientId: string
  name: string
  public: boolean
  trusted: boolean
  canIntrospect: boolean
  redirectUris: string[]
  grantTypes: string[]
  allowedScopes: string[]
  defaultScopes: string[] | null
  idTokenAlg: string
  tokenFormat: string
  refreshTokenPolicy: string
  refreshGracePeriod: number
  accessTokenLifetime: number | null
  refreshTokenLifetime: number | null
  restrictedToGroups: boolean
  allowedGroups: Array<{ id: string; name: string }>
  owner: { username: string } | null
  activeGrantCount: number
  activeTokenCount: number
  createdAt: string
  updatedAt: string
}

const FIELDS = `id clientId name public trusted canIntrospect redirectUris grantTypes allowedScopes defaultScopes
  idTokenAlg tokenFormat refreshTokenPolicy refreshGracePeriod accessTokenLifetime refreshTokenLifetime
  restrictedToGroups allowedGroups { id name } owner { username } activeGrantCount activeTokenCount createdAt updatedAt`

export const GRANT_TYPES: Array<[string, string]> = [
  ['AUTHORIZATION_CODE', 'Authorization code (browser sign-in)'],
  ['REFRESH_TOKEN', 'Refresh token'],
  ['CLIENT_CREDENTIALS', 'Client credentials (machine to machine)'],
  ['DEVICE_CODE', 'Device code (TVs, command-line tools)'],
  ['PASSWORD', 'Resource owner password (legacy)'],
]

export function Applications(props: { clientId?: string }) {
  if (props.clientId) return <ApplicationDetail clientId={props.clientId} />
  return <ApplicationList />
}

function ApplicationList() {
  const canWrite = useCanWrite()
  const [search, setSearch] = useState('')
  const [page, setPage] = useState<PageWindow>(FIRST_PAGE)
  const [creating, setCreating] = useState(false)
  const list = useLoad(
    () =>
      gql<{ applications: Connection<Application> }>(
        `query($search: String, $first: Int, $after: String, $last: Int, $before: String) {
          applications(search: $search, first: $first, after: $after, last: $last, before: $before) {
            edges { node { ${FIELDS} } } ${PAGE_INFO} } }`,
        { search: search || null, ...page },
      ),
    [search, page],
  )
  return (
    <>
      <div class="heading">
        <h1>Applications</h1>
        {canWrite && (
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            New application
          </button>
        )}
      </div>
      <p class="lead">The OAuth clients that may ask users to sign in, or get tokens for themselves.</p>
      <div class="toolbar">
        <label for="app-search">Search by name</label>
        <input
          id="app-search"
          type="search"
          value={search}
          onInput={(e) => {
            setSearch(e.currentTarget.value)
            setPage(FIRST_PAGE)
          }}
        />
      </div>
      <Loading of={list}>
        {(data) => {
          const apps = nodes(data.applications)
          if (!apps.length)
            return search ? (
              <Empty title={`No application's name contains “${search}”.`}>Try another part of the name.</Empty>
            ) : (
              <Empty title="No applications yet.">
                <p>
                  Register the first application your users will sign in to: give it a name and the address Latchkey
                  sends users back to after they sign in (its redirect URI).
                  {!canWrite && ' An administrator with write access can do it.'}
                </p>
                {canWrite && (
                  <button type="button" class="primary" onClick={() => setCreating(true)}>
                    Register an application
                  </button>
                )}
              </Empty>
            )
          return (
            <>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Client ID</th>
                    <th scope="col">Type</th>
                    <th scope="col">Active grants</th>
                    <th scope="col">Live tokens</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {apps.map((a) => (
                    <tr key={a.id}>
                      <td>
                        <a href={href(`applications/${encodeURIComponent(a.clientId)}`)}>{a.name}</a>
                      </td>
                      <td>
                        <code>{a.clientId}</code>
                      </td>
                      <td>{a.public ? 'Public' : 'Confidential'}</td>
                      <td>{a.activeGrantCount}</td>
                      <td>{a.activeTokenCount}</td>
                      <td>
                        <When at={a.createdAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager pageInfo={data.applications.pageInfo} onPage={setPage} />
            </>
          )
        }}
      </Loading>
      {creating && <ApplicationForm onClose={() => setCreating(false)} onSaved={list.reload} />}
    </>
  )
}

interface Draft {
  name: string
  clientId: string
  redirectUris: string
  public: boolean
  grantTypes: string[]
  allowedScopes: string
  defaultScopes: string
  serverDefaultScopes: boolean
  trusted: boolean
  canIntrospect: boolean
  idTokenAlg: string
  refreshTokenPolicy: string
  refreshGracePeriod: string
  tokenFormat: string
  accessTokenLifetime: string
  refreshTokenLifetime: string
  owner: string
  allowedGroups: string[]
}

function draftOf(a?: Application): Draft {
  return {
    name: a?.name ?? '',
    clientId: '',
    redirectUris: a?.redirectUris.join('\n') ?? '',
    public: a?.public ?? false,
    grantTypes: a?.grantTypes ?? ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'],
    allowedScopes: a?.allowedScopes.join(' ') ?? 'openid profile email',
    defaultScopes: a?.defaultScopes?.join(' ') ?? '',
    serverDefaultScopes: !a || a.defaultScopes === null,
    trusted: a?.trusted ?? false,
    canIntrospect: a?.canIntrospect ?? false,
    idTokenAlg: a?.idTokenAlg ?? 'RS256',
    refreshTokenPolicy: a?.refreshTokenPolicy ?? 'ALWAYS',
    refreshGracePeriod: String(a?.refreshGracePeriod ?? 0),
    tokenFormat: a?.tokenFormat ?? 'OPAQUE',
    accessTokenLifetime: a?.accessTokenLifetime?.toString() ?? '',
    refreshTokenLifetime: a?.refreshTokenLifetime?.toString() ?? '',
    owner: '',
    allowedGroups: a?.allowedGroups.map((g) => g.id) ?? [],
  }
}

function seconds(text: string, field: string): number | null {
  if (!text.trim()) return null
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0) throw new MutationError('a whole number of seconds', field, 'ValidationError')
  return n
}

/** Creates (no `app`) or edits an application; a new one's secret is shown once. */
function ApplicationForm(props: { app?: Application; onClose: () => void; onSaved: () => void }) {
  const editing = props.app
  const [d, setD] = useState(() => draftOf(editing))
  const [created, setCreated] = useState<{ name: string; clientId: string; secret: string | null }>()
  const form = useForm()
  const groups = useLoad(
    () =>
      gql<{ groups: Connection<{ id: string; name: string }> }>(
        'query { groups(first: 100) { edges { node { id name } } } }',
      ),
    [],
  )
  const set =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) =>
      setD((old) => ({ ...old, [key]: value }))

  const save = async () => {
    const common = {
      name: d.name,
      redirectUris: lines(d.redirectUris),
      grantTypes: d.grantTypes,
      allowedScopes: words(d.allowedScopes),
      defaultScopes: d.serverDefaultScopes ? null : words(d.defaultScopes),
      trusted: d.trusted,
      canIntrospect: d.canIntrospect,
      idTokenAlg: d.idTokenAlg,
      refreshTokenPolicy: d.refreshTokenPolicy,
      refreshGracePeriod: seconds(d.refreshGracePeriod, 'refreshGracePeriod') ?? 0,
      allowedGroups: d.allowedGroups,
    }
    if (editing) {
      await mutate(
        `mutation($input: UpdateApplicationInput!) { updateApplication(input: $input) {
          __typename ...Err ... on ApplicationPayload { application { id } } } }`,
        {
          ...common,
          id: editing.id,
          tokenFormat: d.tokenFormat,
          accessTokenLifetime: seconds(d.accessTokenLifetime, 'accessTokenLifetime'),
          refreshTokenLifetime: seconds(d.refreshTokenLifetime, 'refreshTokenLifetime'),
        },
      )
      announce(`Saved ${d.name}.`)
      props.onSaved()
      props.onClose()
      return
    }
    let owner: string | undefined
    if (d.owner.trim()) {
      owner = (await userId(d.owner.trim())) ?? undefined
      if (!owner) throw new MutationError(`there is no user ${d.owner.trim()}`, 'owner', 'NotFoundError')
    }
    const r = await mutate<{ application: Application; clientSecret: string | null }>(
      `mutation($input: CreateApplicationInput!) { createApplication(input: $input) {
        __typename ...Err ... on ApplicationWithSecret { clientSecret application { id clientId name } } } }`,
      { ...common, public: d.public, clientId: d.clientId.trim() || undefined, owner },
    )
    announce(`Created ${r.application.name}.`)
    props.onSaved()
    setCreated({ name: r.application.name, clientId: r.application.clientId, secret: r.clientSecret })
  }

  if (created)
    return (
      <Dialog title={`${created.name} is registered`} onClose={props.onClose}>
        <p>
          Client ID: <code data-testid="client-id">{created.clientId}</code>
        </p>
        {created.secret ? (
          <SecretOnce label="Client secret" value={created.secret} />
        ) : (
          <p>A public application has no secret: it proves itself with PKCE.</p>
        )}
        <div class="buttons">
          <button type="button" class="primary" onClick={props.onClose}>
            Done
          </button>
        </div>
      </Dialog>
    )

  const groupOptions = (groups.data ? nodes(groups.data.groups) : []).map((g): [string, string] => [g.id, g.name])
  return (
    <Dialog title={editing ? `Edit ${editing.name}` : 'New application'} onClose={props.onClose} wide>
      <form ref={form.ref} onSubmit={form.onSubmit(save)} noValidate>
        <div class="grid">
          <TextField label="Name" name="name" value={d.name} onValue={set('name')} errors={form.errors} required />
          {!editing && (
            <TextField
              label="Client ID (optional)"
              name="clientId"
              value={d.clientId}
              onValue={set('clientId')}
              errors={form.errors}
              hint="Leave empty for a random one; set it for software that ships with its own client ID."
            />
          )}
        </div>
        <TextField
          label="Redirect URIs"
          name="redirectUris"
          value={d.redirectUris}
          onValue={set('redirectUris')}
          errors={form.errors}
          multiline
          hint="One per line: where users are sent back after signing in."
        />
        {!editing && (
          <CheckField
            label="Public client (single-page or native app: no secret, PKCE required)"
            name="public"
            checked={d.public}
            onChecked={set('public')}
            errors={form.errors}
          />
        )}
        <CheckGroup
          label="Grant types"
          name="grantTypes"
          values={d.grantTypes}
          onValues={set('grantTypes')}
          options={GRANT_TYPES}
          errors={form.errors}
        />
        <TextField
          label="Allowed scopes"
          name="allowedScopes"
          value={d.allowedScopes}
          onValue={set('allowedScopes')}
          errors={form.errors}
          hint="Separated by spaces. Tokens never carry a scope outside these (and what they imply)."
        />
        <CheckField
          label="Requests naming no scope get the server's default scopes"
          name="serverDefaultScopes"
          checked={d.serverDefaultScopes}
          onChecked={set('serverDefaultScopes')}
          errors={form.errors}
        />
        {!d.serverDefaultScopes && (
          <TextField
            label="Default scopes"
            name="defaultScopes"
            value={d.defaultScopes}
            onValue={set('defaultScopes')}
            errors={form.errors}
            hint="What a request naming no scope gets, within the allowed scopes; empty refuses such requests."
          />
        )}
        <div class="grid">
          <SelectField
            label="ID token algorithm"
            name="idTokenAlg"
            value={d.idTokenAlg}
            onValue={set('idTokenAlg')}
            options={[
              ['RS256', 'RS256'],
              ['ES256', 'ES256'],
            ]}
            errors={form.errors}
          />
          <SelectField
            label="Refresh tokens"
            name="refreshTokenPolicy"
            value={d.refreshTokenPolicy}
            onValue={set('refreshTokenPolicy')}
            options={[
              ['ALWAYS', 'Always'],
              ['OFFLINE_ACCESS', 'Only with offline_access'],
            ]}
            errors={form.errors}
          />
          <TextField
            label="Refresh grace period (s)"
            name="refreshGracePeriod"
            type="number"
            value={d.refreshGracePeriod}
            onValue={set('refreshGracePeriod')}
            errors={form.errors}
            hint="0 to 300; for clients that refresh in parallel."
          />
        </div>
        {editing && (
          <div class="grid">
            <SelectField
              label="Access token format"
              name="tokenFormat"
              value={d.tokenFormat}
              onValue={set('tokenFormat')}
              options={[
                ['OPAQUE', 'Opaque'],
                ['JWT', 'JWT'],
              ]}
              errors={form.errors}
            />
            <TextField
              label="Access token lifetime (s)"
              name="accessTokenLifetime"
              type="number"
              value={d.accessTokenLifetime}
              onValue={set('accessTokenLifetime')}
              errors={form.errors}
              hint="Empty: the server default."
            />
            <TextField
              label="Refresh token lifetime (s)"
              name="refreshTokenLifetime"
              type="number"
              value={d.refreshTokenLifetime}
              onValue={set('refreshTokenLifetime')}
              errors={form.errors}
              hint="Empty: the server default."
            />
          </div>
        )}
        <CheckField
          label="Trusted (skips the consent page)"
          name="trusted"
          checked={d.trusted}
          onChecked={set('trusted')}
          errors={form.errors}
        />
        <CheckField
          label="May introspect tokens (RFC 7662)"
          name="canIntrospect"
          checked={d.canIntrospect}
          onChecked={set('canIntrospect')}
          errors={form.errors}
        />
        {groupOptions.length > 0 && (
          <CheckGroup
            label="Only members of these groups may use it (none: everyone)"
            name="allowedGroups"
            values={d.allowedGroups}
            onValues={set('allowedGroups')}
            options={groupOptions}
            errors={form.errors}
          />
        )}
        {!editing && (
          <TextField
            label="Owner (username, optional)"
            name="owner"
            value={d.owner}
            onValue={set('owner')}
            errors={form.errors}
            hint="Defaults to you."
          />
        )}
        <FormError errors={form.errors} />
        <div class="buttons">
          <button type="submit" class="primary" disabled={form.busy}>
            {editing ? 'Save' : 'Create application'}
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  )
}

type Pending = 'edit' | 'rotate' | 'revoke' | 'delete' | undefined

function ApplicationDetail(props: { clientId: string }) {
  const canWrite = useCanWrite()
  const [pending, setPending] = useState<Pending>()
  const [secret, setSecret] = useState<string>()
  const app = useLoad(
    () =>
      gql<{ application: Application | null }>(`query($c: String!) { application(clientId: $c) { ${FIELDS} } }`, {
        c: props.clientId,
      }),
    [props.clientId],
  )
  const close = () => setPending(undefined)
  const closeSecret = () => {
    setSecret(undefined)
    close()
  }
  return (
    <Loading of={app}>
      {({ application: a }) => {
        if (!a)
          return (
            <Empty title={`There is no application ${props.clientId}.`}>
              <a href="#/applications">Back to the applications</a>
            </Empty>
          )
        return (
          <>
            <p class="crumbs">
              <a href="#/applications">Applications</a> /
            </p>
            <div class="heading">
              <h1>{a.name}</h1>
              {canWrite && (
                <div class="actions">
                  <button type="button" onClick={() => setPending('edit')}>
                    Edit
                  </button>
                  {!a.public && (
                    <button type="button" onClick={() => setPending('rotate')}>
                      Rotate secret
                    </button>
                  )}
                  <button type="button" onClick={() => setPending('revoke')}>
                    Revoke all tokens
                  </button>
                  <button type="button" class="danger" onClick={() => setPending('delete')}>
                    Delete
                  </button>
                </div>
              )}
            </div>
            <dl class="facts">
              <dt>Client ID</dt>
              <dd>
                <code>{a.clientId}</code>
              </dd>
              <dt>Type</dt>
              <dd>{a.public ? 'Public (PKCE, no secret)' : 'Confidential (has a secret)'}</dd>
              <dt>Redirect URIs</dt>
              <dd>
                <Tags items={a.redirectUris} />
              </dd>
              <dt>Grant types</dt>
              <dd>
                <Tags items={a.grantTypes.map((g) => GRANT_TYPES.find(([v]) => v === g)?.[1] ?? g)} />
              </dd>
              <dt>Allowed scopes</dt>
              <dd>
                <Tags items={a.allowedScopes} />
              </dd>
              <dt>Default scopes</dt>
              <dd>
                {a.defaultScopes ? (
                  <Tags items={a.defaultScopes} empty="none: such requests are refused" />
                ) : (
                  "The server's rule"
                )}
              </dd>
              <dt>Trusted (no consent page)</dt>
              <dd>{a.trusted ? 'Yes' : 'No'}</dd>
              <dt>May introspect</dt>
              <dd>{a.canIntrospect ? 'Yes' : 'No'}</dd>
              <dt>Tokens</dt>
              <dd>
                {a.tokenFormat === 'JWT' ? 'JWT' : 'Opaque'} access tokens, ID tokens {a.idTokenAlg}; refresh tokens{' '}
                {a.refreshTokenPolicy === 'ALWAYS' ? 'always' : 'with offline_access only'}
                {a.refreshGracePeriod ? `, ${a.refreshGracePeriod} s grace` : ''}
              </dd>
              <dt>Lifetimes</dt>
              <dd>
                access {a.accessTokenLifetime ?? 'default'}, refresh {a.refreshTokenLifetime ?? 'default'} (seconds)
              </dd>
              <dt>Restricted to groups</dt>
              <dd>
                {a.restrictedToGroups ? (
                  <Tags items={a.allowedGroups.map((g) => g.name)} empty="(closed)" />
                ) : (
                  'No: everyone'
                )}
              </dd>
              <dt>Owner</dt>
              <dd>{a.owner?.username ?? '—'}</dd>
              <dt>Active</dt>
              <dd>
                <a href={href('tokens', { application: a.clientId })}>
                  {a.activeGrantCount} grants, {a.activeTokenCount} live tokens
                </a>
              </dd>
              <dt>Created / changed</dt>
              <dd>
                <When at={a.createdAt} /> / <When at={a.updatedAt} />
              </dd>
            </dl>
            {pending === 'edit' && <ApplicationForm app={a} onClose={close} onSaved={app.reload} />}
            {pending === 'rotate' &&
              (secret ? (
                <Dialog title="New client secret" onClose={closeSecret}>
                  <SecretOnce label="Client secret" value={secret} />
                  <div class="buttons">
                    <button type="button" class="primary" onClick={closeSecret}>
                      Done
                    </button>
                  </div>
                </Dialog>
              ) : (
                <Confirm
                  title={`Rotate the secret of ${a.name}?`}
                  what={<p>The current secret stops working at once; the application needs the new one.</p>}
                  action="Rotate secret"
                  onClose={close}
                  onConfirm={async () => {
                    const r = await mutate<{ clientSecret: string }>(
                      `mutation($input: ApplicationIdInput!) { rotateApplicationSecret(input: $input) {
                        __typename ...Err ... on ApplicationWithSecret { clientSecret } } }`,
                      { id: a.id },
                    )
                    setSecret(r.clientSecret)
                    announce('The secret was rotated.')
                  }}
                />
              ))}
            {pending === 'revoke' && (
              <Confirm
                title={`Revoke every token of ${a.name}?`}
                what={
                  <p>
                    Its {a.activeTokenCount} live access and refresh tokens stop working at once; users keep their
                    consent and can sign in again.
                  </p>
                }
                action="Revoke all tokens"
                onClose={close}
                onConfirm={async () => {
                  const r = await mutate<{ revokedCount: number }>(
                    `mutation($input: ApplicationIdInput!) { revokeApplicationTokens(input: $input) {
                      __typename ...Err ... on RevokedTokensPayload { revokedCount } } }`,
                    { id: a.id },
                  )
                  announce(`Revoked ${r.revokedCount} tokens.`)
                  close()
                  app.reload()
                }}
              />
            )}
            {pending === 'delete' && (
              <Confirm
                title={`Delete ${a.name}?`}
                what={
                  <p>
                    This cannot be undone. Its {a.activeGrantCount} active grants and {a.activeTokenCount} live tokens
                    are revoked, its pending authorization codes stop working, and client ID <code>{a.clientId}</code>{' '}
                    can no longer sign anyone in.
                  </p>
                }
                action="Delete application"
                onClose={close}
                onConfirm={async () => {
                  await mutate(
                    `mutation($input: ApplicationIdInput!) { deleteApplication(input: $input) {
                      __typename ...Err ... on DeleteApplicationPayload { clientId } } }`,
                    { id: a.id },
                  )
                  announce(`Deleted ${a.name}.`)
                  location.hash = '#/applications'
                }}
              />
            )}
          </>
        )
      }}
    </Loading>
  )
}
