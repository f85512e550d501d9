/** Signing keys: the active one and the retired ones still published; rotate. */
import { useState } from 'preact/hooks'
import { gql, mutate } from '../api.ts'
import { announce, Dialog, FormError, Loading, SelectField, useCanWrite, useForm, useLoad, When } from '../ui.tsx'

interface Key {
  id: string
  kid: string
  algorithm: string
  status: string
  createdAt: string
  retiredAt: string | null
  publishUntil: string | null
}

export function Keys() {
  const canWrite = useCanWrite()
  const [rotating, setRotating] = useState(false)
  const keys = useLoad(
    () =>
      gql<{ signingKeys: Key[] }>('query { signingKeys { id kid algorithm status createdAt retiredAt publishUntil } }'),
    [],
  )
  return (
    <>
      <div class="heading">
        <h1>Signing keys</h1>
        {canWrite && (
          <button type="button" class="primary" onClick={() => setRotating(true)}>
            Rotate a key
          </button>
        )}
      </div>
      <p class="lead">
        The keys that sign ID tokens and JWT access tokens, published at <code>/oauth/discovery/keys</code>. A rotated
        key stays published until every token it signed has expired.
      </p>
      <Loading of={keys}>
        {({ signingKeys }) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Key ID</th>
                <th scope="col">Algorithm</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Published until</th>
              </tr>
            </thead>
            <tbody>
              {signingKeys.map((k) => (
                <tr key={k.id}>
                  <td>
                    <code>{k.kid}</code>
                  </td>
                  <td>{k.algorithm}</td>
                  <td>{k.status === 'active' ? <span class="tag good">active</span> : k.status}</td>
                  <td>
                    <When at={k.createdAt} />
                  </td>
                  <td>
                    <When at={k.publishUntil} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loading>
      {rotating && <Rotate onClose={() => setRotating(false)} onSaved={keys.reload} />}
    </>
  )
}

function Rotate(props: { onClose: () => void; onSaved: () => void }) {
  const form = useForm()
  const [algorithm, setAlgorithm] = useState('RS256')
  return (
    <Dialog title="Rotate a signing key" onClose={props.onClose}>
      <form
        ref={form.ref}
        onSubmit={form.onSubmit(async () => {
          await mutate(
            `mutation($input: RotateSigningKeyInput!) { rotateSigningKey(input: $input) {
              __typename ...Err ... on RotateSigningKeyPayload { keys { kid } } } }`,
            { algorithm },
          )
          announce(`A new ${algorithm} key signs from now on.`)
          props.onSaved()
          props.onClose()
        })}
      >
        <p>A new key signs from now on; the old one stays published so tokens it signed still verify.</p>
        <SelectField
          label="Algorithm"
          name="algorithm"
          value={algorithm}
          onValue={setAlgorithm}
          options={[
            ['RS256', 'RS256'],
            ['ES256', 'ES256'],
          ]}
          errors={form.errors}
        />
        <FormError errors={form.errors} />
        <div class="buttons">
          <button type="submit" class="primary" disabled={form.busy}>
            Rotate
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  )
}
