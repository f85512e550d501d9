/** Scopes, with what each implies and what implies it; create, edit, delete, import a forge's preset. */
import { useState } from 'preact/hooks'
import { gql, mutate } from '../api.ts'
import {
  announce,
  CheckField,
  Confirm,
  Dialog,
  FormError,
  Loading,
  SelectField,
  Tags,
  TextField,
  useCanWrite,
  useForm,
  useLoad,
  words,
} from '../ui.tsx'

interface Scope {
  name: string
  description: string
  builtIn: boolean
  isDefault: boolean
  implies: Array<{ name: string }>
  impliedBy: Array<{ name: string }>
}

const PRESETS: Array<[string, string]> = [
  ['GITEA', 'Gitea 1.20 and later'],
  ['GITEA_LEGACY', 'Gitea before 1.20'],
  ['FORGEJO', 'Forgejo'],
  ['GITLAB', 'GitLab'],
]

export function Scopes() {
  const canWrite = useCanWrite()
  const [editing, setEditing] = useState<Scope | 'new'>()
  const [deleting, setDeleting] = useState<Scope>()
  const [importing, setImporting] = useState(false)
  const scopes = useLoad(
    () =>
      gql<{ scopes: Scope[] }>(
        'query { scopes { name description builtIn isDefault implies { name } impliedBy { name } } }',
      ),
    [],
  )
  return (
    <>
      <div class="heading">
        <h1>Scopes</h1>
        {canWrite && (
          <div class="actions">
            <button type="button" onClick={() => setImporting(true)}>
              Import a forge's scopes
            </button>
            <button type="button" class="primary" onClick={() => setEditing('new')}>
              New scope
            </button>
          </div>
        )}
      </div>
      <p class="lead">
        What applications may ask for. Granting a scope grants what it implies; built-in scopes come with OpenID
        Connect.
      </p>
      <Loading of={scopes}>
        {({ scopes: list }) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Scope</th>
                <th scope="col">Description</th>
                <th scope="col">Implies</th>
                <th scope="col">Implied by</th>
                <th scope="col">Default</th>
                {canWrite && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {list.map((s) => (
                <tr key={s.name}>
                  <td>
                    <code>{s.name}</code> {s.builtIn && <span class="tag">built in</span>}
                  </td>
                  <td>{s.description}</td>
                  <td>
                    <Tags items={s.implies.map((i) => i.name)} empty="—" />
                  </td>
                  <td>
                    <Tags items={s.impliedBy.map((i) => i.name)} empty="—" />
                  </td>
                  <td>{s.isDefault ? 'Yes' : 'No'}</td>
                  {canWrite && (
                    <td class="nowrap">
                      <button type="button" class="small" onClick={() => setEditing(s)}>
                        Edit <span class="sr">{s.name}</span>
                      </button>{' '}
                      {!s.builtIn && (
                        <button type="button" class="small danger" onClick={() => setDeleting(s)}>
                          Delete <span class="sr">{s.name}</span>
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loading>
      {editing && (
        <ScopeForm
          scope={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSaved={scopes.reload}
        />
      )}
      {importing && <ImportPreset onClose={() => setImporting(false)} onSaved={scopes.reload} />}
      {deleting && (
        <Confirm
          title={`Delete scope ${deleting.name}?`}
          what={<p>Applications stop being able to ask for it; tokens already issued keep the scopes they carry.</p>}
          action="Delete scope"
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await mutate(
              `mutation($input: ScopeNameInput!) { deleteScope(input: $input) {
                __typename ...Err ... on DeleteScopePayload { name } } }`,
              { name: deleting.name },
            )
            announce(`Deleted ${deleting.name}.`)
            setDeleting(undefined)
            scopes.reload()
          }}
        />
      )}
    </>
  )
}

function ScopeForm(props: { scope?: Scope; onClose: () => void; onSaved: () => void }) {
  const s = props.scope
  const form = useForm()
  const [d, setD] = useState({
    name: s?.name ?? '',
    description: s?.description ?? '',
    implies: s?.implies.map((i) => i.name).join(' ') ?? '',
    isDefault: s?.isDefault ?? false,
  })
  const set =
    <K extends keyof typeof d>(k: K) =>
    (v: (typeof d)[K]) =>
      setD((o) => ({ ...o, [k]: v }))
  return (
    <Dialog title={s ? `Edit ${s.name}` : 'New scope'} onClose={props.onClose}>
      <form
        ref={form.ref}
        noValidate
        onSubmit={form.onSubmit(async () => {
          const input = { ...d, implies: words(d.implies) }
          await mutate(
            s
              ? `mutation($input: UpdateScopeInput!) { updateScope(input: $input) {
                  __typename ...Err ... on ScopePayload { scope { name } } } }`
              : `mutation($input: CreateScopeInput!) { createScope(input: $input) {
                  __typename ...Err ... on ScopePayload { scope { name } } } }`,
            input,
          )
          announce(`Saved ${d.name}.`)
          props.onSaved()
          props.onClose()
        })}
      >
        {!s && <TextField label="Name" name="name" value={d.name} onValue={set('name')} errors={form.errors} />}
        <TextField
          label="Description"
          name="description"
          value={d.description}
          onValue={set('description')}
          errors={form.errors}
          hint="Users read it on the consent page."
        />
        <TextField
          label="Implies"
          name="implies"
          value={d.implies}
          onValue={set('implies')}
          errors={form.errors}
          hint="Scopes granted along with this one, separated by spaces."
        />
        <CheckField
          label="Default (granted when a request names no scope)"
          name="isDefault"
          checked={d.isDefault}
          onChecked={set('isDefault')}
          errors={form.errors}
        />
        <FormError errors={form.errors} />
        <div class="buttons">
          <button type="submit" class="primary" disabled={form.busy}>
            Save
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  )
}

function ImportPreset(props: { onClose: () => void; onSaved: () => void }) {
  const form = useForm()
  const [preset, setPreset] = useState('GITEA')
  const [force, setForce] = useState(false)
  const [result, setResult] = useState<{ created: string[]; skipped: string[] }>()
  return (
    <Dialog title="Import a forge's scopes" onClose={props.onClose}>
      {result ? (
        <>
          <p role="status">
            Created {result.created.length} scopes; {result.skipped.length} were already there.
          </p>
          <div class="buttons">
            <button type="button" class="primary" onClick={props.onClose}>
              Done
            </button>
          </div>
        </>
      ) : (
        <form
          ref={form.ref}
          onSubmit={form.onSubmit(async () => {
            const r = await mutate<{ created: string[]; skipped: string[] }>(
              `mutation($input: ImportScopePresetInput!) { importScopePreset(input: $input) {
                __typename ...Err ... on ImportScopePresetPayload { created skipped } } }`,
              { preset, force },
            )
            setResult(r)
            props.onSaved()
          })}
        >
          <SelectField
            label="Preset"
            name="preset"
            value={preset}
            onValue={setPreset}
            options={PRESETS}
            errors={form.errors}
          />
          <CheckField
            label="Also widen existing scopes (every token holding them gains the new children)"
            name="force"
            checked={force}
            onChecked={setForce}
            errors={form.errors}
          />
          <FormError errors={form.errors} />
          <div class="buttons">
            <button type="submit" class="primary" disabled={form.busy}>
              Import
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
