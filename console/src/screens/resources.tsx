/** Resource servers (RFC 8707, RFC 9068) and registration tokens (RFC 7591 initial access tokens). */
import { useState } from 'preact/hooks'
import { gql, mutate } from '../api.ts'
import {
  announce,
  CheckGroup,
  Confirm,
  Dialog,
  Empty,
  FormError,
  Loading,
  SecretOnce,
  SelectField,
  Tags,
  TextField,
  useCanWrite,
  useForm,
  useLoad,
  When,
  words,
} from '../ui.tsx'
import { GRANT_TYPES } from './applications.tsx'

interface Resource {
  name: string
  uri: string
  scopes: string[]
  tokenFormat: 'OPAQUE' | 'JWT'
  accessTokenLifetime: number | null
  createdAt: string
}

const FORMATS: Array<[string, string]> = [
  ['OPAQUE', 'Opaque (checked by introspection)'],
  ['JWT', 'JWT (RFC 9068, checked with the published keys)'],
]

export function Resources() {
  const canWrite = useCanWrite()
  const [editing, setEditing] = useState<Resource | 'new'>()
  const [deleting, setDeleting] = useState<Resource>()
  const list = useLoad(
    () =>
      gql<{ resources: Resource[] }>(
        'query { resources { name uri scopes tokenFormat accessTokenLifetime createdAt } }',
      ),
    [],
  )
  return (
    <>
      <div class="heading">
        <h1>Resources</h1>
        {canWrite && (
          <button type="button" class="primary" onClick={() => setEditing('new')}>
            New resource
          </button>
        )}
      </div>
      <p class="lead">
        APIs that applications name with the resource parameter (RFC 8707): their tokens are restricted to the URI and
        carry only the scopes it accepts.
      </p>
      <Loading of={list}>
        {({ resources }) =>
          !resources.length ? (
            <Empty title="No resources yet.">
              Register an API here when its tokens should name it as audience, or should be JWTs it checks itself.
            </Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">URI</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Token format</th>
                  <th scope="col">Lifetime</th>
                  {canWrite && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {resources.map((r) => (
                  <tr key={r.name}>
                    <td>{r.name}</td>
                    <td>
                      <code>{r.uri}</code>
                    </td>
                    <td>
                      <Tags items={r.scopes} empty="—" />
                    </td>
                    <td>{r.tokenFormat === 'JWT' ? 'JWT' : 'Opaque'}</td>
                    <td>{r.accessTokenLifetime === null ? 'default' : `${r.accessTokenLifetime} s`}</td>
                    {canWrite && (
                      <td class="nowrap">
                        <button type="button" class="small" onClick={() => setEditing(r)}>
                          Edit <span class="sr">{r.name}</span>
                        </button>{' '}
                        <button type="button" class="small danger" onClick={() => setDeleting(r)}>
                          Delete <span class="sr">{r.name}</span>
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loading>
      {editing && (
        <ResourceForm
          resource={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSaved={list.reload}
        />
      )}
      {deleting && (
        <Confirm
          title={`Delete resource ${deleting.name}?`}
          what={<p>Applications can no longer ask for it; the access tokens issued for it stop working.</p>}
          action="Delete resource"
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await mutate(
              `mutation($input: ResourceNameInput!) { deleteResource(input: $input) {
                __typename ...Err ... on DeleteResourcePayload { name } } }`,
              { name: deleting.name },
            )
            announce(`Deleted ${deleting.name}.`)
            setDeleting(undefined)
            list.reload()
          }}
        />
      )}
    </>
  )
}

function ResourceForm(props: { resource?: Resource; onClose: () => void; onSaved: () => void }) {
  const r = props.resource
  const form = useForm()
  const [d, setD] = useState({
    name: r?.name ?? '',
    uri: r?.uri ?? '',
    scopes: r?.scopes.join(' ') ?? '',
    tokenFormat: r?.tokenFormat ?? 'OPAQUE',
    accessTokenLifetime: r?.accessTokenLifetime?.toString() ?? '',
  })
  const set =
    <K extends keyof typeof d>(k: K) =>
    (v: (typeof d)[K]) =>
      setD((o) => ({ ...o, [k]: v }))
  return (
    <Dialog title={r ? `Edit ${r.name}` : 'New resource'} onClose={props.onClose}>
      <form
        ref={form.ref}
        noValidate
        onSubmit={form.onSubmit(async () => {
          const input = {
            name: d.name,
            uri: d.uri,
            scopes: words(d.scopes),
            tokenFormat: d.tokenFormat,
            accessTokenLifetime: d.accessTokenLifetime.trim() === '' ? null : Number(d.accessTokenLifetime),
          }
          await mutate(
            r
              ? `mutation($input: UpdateResourceInput!) { updateResource(input: $input) {
                  __typename ...Err ... on ResourcePayload { resource { name } } } }`
              : `mutation($input: CreateResourceInput!) { createResource(input: $input) {
                  __typename ...Err ... on ResourcePayload { resource { name } } } }`,
            input,
          )
          announce(`Saved ${d.name}.`)
          props.onSaved()
          props.onClose()
        })}
      >
        {!r && (
          <TextField
            label="Name"
            name="name"
            value={d.name}
            onValue={set('name')}
            errors={form.errors}
            hint="Lower-case letters, digits, . _ and -; how the console and the CLI call it."
          />
        )}
        <TextField
          label="URI"
          name="uri"
          value={d.uri}
          onValue={set('uri')}
          errors={form.errors}
          placeholder="https://api.example.com/"
          hint={
            r
              ? 'Changing it revokes the access tokens issued for the old one.'
              : 'Absolute, no query or fragment: what applications send as resource, and the tokens’ audience.'
          }
        />
        <TextField
          label="Scopes"
          name="scopes"
          value={d.scopes}
          onValue={set('scopes')}
          errors={form.errors}
          hint="Registered scopes it accepts, separated by spaces."
        />
        <SelectField
          label="Token format"
          name="tokenFormat"
          value={d.tokenFormat}
          onValue={(v) => set('tokenFormat')(v as Resource['tokenFormat'])}
          options={FORMATS}
          errors={form.errors}
        />
        <TextField
          label="Access token lifetime (seconds)"
          name="accessTokenLifetime"
          type="number"
          value={d.accessTokenLifetime}
          onValue={set('accessTokenLifetime')}
          errors={form.errors}
          hint="30 to 86400. Empty: the default (300 for JWTs, else the application’s or the server’s)."
        />
        <FormError errors={form.errors} />
        <div class="buttons">
          <button type="submit" class="primary" disabled={form.busy}>
            {r ? 'Save' : 'Create resource'}
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  )
}

interface RegistrationToken {
  id: string
  description: string | null
  hint: string
  scopes: string[]
  grantTypes: string[]
  maxUses: number | null
  useCount: number
  state: 'ACTIVE' | 'EXPIRED' | 'REVOKED' | 'USED'
  expiresAt: string
  lastUsedAt: string | null
  createdAt: string
}

const TOKEN_FIELDS = 'id description hint scopes grantTypes maxUses useCount state expiresAt lastUsedAt createdAt'
const DAY = 86_400

export function RegistrationTokens() {
  const canWrite = useCanWrite()
  const [creating, setCreating] = useState(false)
  const [revoking, setRevoking] = useState<RegistrationToken>()
  const list = useLoad(
    () => gql<{ initialAccessTokens: RegistrationToken[] }>(`query { initialAccessTokens { ${TOKEN_FIELDS} } }`),
    [],
  )
  return (
    <>
      <div class="heading">
        <h1>Registration tokens</h1>
        {canWrite && (
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            New registration token
          </button>
        )}
      </div>
      <p class="lead">
        Initial access tokens (RFC 7591): whoever holds one may register an application at the registration endpoint,
        within its scopes and grant types, until it expires or is used up.
      </p>
      <Loading of={list}>
        {({ initialAccessTokens: tokens }) =>
          !tokens.length ? (
            <Empty title="No registration tokens yet.">
              Make one for a developer or a deployment script that registers its own application.
            </Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Token</th>
                  <th scope="col">For</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Grant types</th>
                  <th scope="col">Used</th>
                  <th scope="col">State</th>
                  <th scope="col">Expires</th>
                  {canWrite && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {tokens.map((t) => (
                  <tr key={t.id}>
                    <td>
                      <code>…{t.hint}</code>
                    </td>
                    <td>{t.description ?? '—'}</td>
                    <td>
                      <Tags items={t.scopes} empty="—" />
                    </td>
                    <td>
                      <Tags items={t.grantTypes.map((g) => GRANT_TYPES.find(([v]) => v === g)?.[1] ?? g)} />
                    </td>
                    <td>
                      {t.useCount} of {t.maxUses ?? 'any number'}
                    </td>
                    <td>{t.state === 'ACTIVE' ? 'active' : <span class="tag bad">{t.state.toLowerCase()}</span>}</td>
                    <td>
                      <When at={t.expiresAt} />
                    </td>
                    {canWrite && (
                      <td>
                        {t.state === 'ACTIVE' && (
                          <button type="button" class="small danger" onClick={() => setRevoking(t)}>
                            Revoke <span class="sr">…{t.hint}</span>
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loading>
      {creating && <CreateRegistrationToken onClose={() => setCreating(false)} onSaved={list.reload} />}
      {revoking && (
        <Confirm
          title="Revoke this registration token?"
          what={<p>It registers nothing more; applications registered with it stay.</p>}
          action="Revoke token"
          onClose={() => setRevoking(undefined)}
          onConfirm={async () => {
            await mutate(
              `mutation($input: InitialAccessTokenIdInput!) { revokeInitialAccessToken(input: $input) {
                __typename ...Err ... on RevokeInitialAccessTokenPayload { initialAccessToken { id } } } }`,
              { id: revoking.id },
            )
            announce('Revoked the registration token.')
            setRevoking(undefined)
            list.reload()
          }}
        />
      )}
    </>
  )
}

function CreateRegistrationToken(props: { onClose: () => void; onSaved: () => void }) {
  const form = useForm()
  const [value, setValue] = useState<string>()
  const [d, setD] = useState({
    description: '',
    days: '1',
    maxUses: '1',
    scopes: 'openid profile email',
    grantTypes: ['AUTHORIZATION_CODE', 'REFRESH_TOKEN'],
  })
  const set =
    <K extends keyof typeof d>(k: K) =>
    (v: (typeof d)[K]) =>
      setD((o) => ({ ...o, [k]: v }))
  return (
    <Dialog title="New registration token" onClose={props.onClose}>
      {value ? (
        <>
          <SecretOnce label="Registration token" value={value} />
          <p class="muted">Send it as a Bearer token to the registration endpoint.</p>
          <div class="buttons">
            <button type="button" class="primary" onClick={props.onClose}>
              Done
            </button>
          </div>
        </>
      ) : (
        <form
          ref={form.ref}
          noValidate
          onSubmit={form.onSubmit(async () => {
            const r = await mutate<{ token: string }>(
              `mutation($input: CreateInitialAccessTokenInput!) { createInitialAccessToken(input: $input) {
                __typename ...Err ... on CreateInitialAccessTokenPayload { token } } }`,
              {
                description: d.description || undefined,
                expiresIn: Math.round(Number(d.days) * DAY),
                maxUses: d.maxUses.trim() === '' ? null : Number(d.maxUses),
                scopes: words(d.scopes),
                grantTypes: d.grantTypes,
              },
            )
            setValue(r.token)
            announce('Made a registration token; copy it now.')
            props.onSaved()
          })}
        >
          <TextField
            label="For"
            name="description"
            value={d.description}
            onValue={set('description')}
            errors={form.errors}
            hint="Whom or what it is for, to recognise it later."
          />
          <TextField
            label="Expires after (days)"
            name="expiresIn"
            type="number"
            value={d.days}
            onValue={set('days')}
            errors={form.errors}
            hint="Up to 366."
          />
          <TextField
            label="Registrations it may make"
            name="maxUses"
            type="number"
            value={d.maxUses}
            onValue={set('maxUses')}
            errors={form.errors}
            hint="Empty: any number until it expires."
          />
          <TextField
            label="Scopes at most"
            name="scopes"
            value={d.scopes}
            onValue={set('scopes')}
            errors={form.errors}
            hint="The most an application registered with it may ask for, separated by spaces."
          />
          <CheckGroup
            label="Grant types at most"
            name="grantTypes"
            values={d.grantTypes}
            onValues={set('grantTypes')}
            options={GRANT_TYPES.filter(([g]) => g !== 'PASSWORD')}
            errors={form.errors}
          />
          <FormError errors={form.errors} />
          <div class="buttons">
            <button type="submit" class="primary" disabled={form.busy}>
              Make token
            </button>
            <button type="button" onClick={props.onClose}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Dialog>
  )
}
