/** Users (create, password, disable/enable, unlock, administrator, groups) and groups. */
import { useState } from 'preact/hooks'
import { type Connection, FIRST_PAGE, gql, mutate, nodes, PAGE_INFO, type PageWindow } from '../api.ts'
import {
  announce,
  CheckField,
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
} from '../ui.tsx'

interface User {
  id: string
  username: string
  name: string | null
  email: string | null
  emailVerified: boolean
  isAdmin: boolean
  isReadOnlyAdmin: boolean
  disabled: boolean
  /** Seconds until a sign-in locked by failed attempts may be tried again; 0 when not locked. */
  signInLockedFor: number
  createdAt: string
  groups: Connection<{ id: string; name: string }>
}

const FIELDS =
  'id username name email emailVerified isAdmin isReadOnlyAdmin disabled signInLockedFor createdAt groups(first: 100) { edges { node { id name } } pageInfo { hasNextPage } }'

type Role = 'user' | 'read' | 'admin'
const ROLES: Array<[Role, string]> = [
  ['user', 'User'],
  ['read', 'Read-only administrator (sees the console, changes nothing)'],
  ['admin', 'Administrator'],
]
function roleOf(u: { isAdmin: boolean; isReadOnlyAdmin: boolean }): Role {
  return u.isAdmin ? 'admin' : u.isReadOnlyAdmin ? 'read' : 'user'
}
function roleInput(role: Role) {
  return { isAdmin: role === 'admin', isReadOnlyAdmin: role === 'read' }
}
const ROLE_LABEL: Record<Role, string> = { user: 'User', read: 'Read-only administrator', admin: 'Administrator' }

export function Users(props: { username?: string }) {
  return props.username ? <UserDetail username={props.username} /> : <UserList />
}

function UserList() {
  const canWrite = useCanWrite()
  const [state, setState] = useState('')
  const [search, setSearch] = useState('')
  const [page, setPage] = useState<PageWindow>(FIRST_PAGE)
  const [creating, setCreating] = useState(false)
  const list = useLoad(
    () =>
      gql<{ users: Connection<User> }>(
        `query($disabled: Boolean, $search: String, $first: Int, $after: String, $last: Int, $before: String) {
          users(disabled: $disabled, search: $search, first: $first, after: $after, last: $last, before: $before) {
            edges { node { ${FIELDS} } } ${PAGE_INFO} } }`,
        { disabled: state === '' ? null : state === 'disabled', search: search || null, ...page },
      ),
    [state, search, page],
  )
  return (
    <>
      <div class="heading">
        <h1>Users</h1>
        {canWrite && (
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            New user
          </button>
        )}
      </div>
      <div class="toolbar">
        <label for="user-search">Search</label>
        <input
          id="user-search"
          type="search"
          placeholder="username, e-mail or name"
          value={search}
          onInput={(e) => {
            setSearch(e.currentTarget.value)
            setPage(FIRST_PAGE)
          }}
        />
        <label for="user-state">Show</label>
        <select
          id="user-state"
          value={state}
          onChange={(e) => {
            setState(e.currentTarget.value)
            setPage(FIRST_PAGE)
          }}
        >
          <option value="">All users</option>
          <option value="enabled">Enabled</option>
          <option value="disabled">Disabled</option>
        </select>
      </div>
      <Loading of={list}>
        {(data) => {
          const users = nodes(data.users)
          if (!users.length)
            return (
              <Empty title="No users here.">
                {state ? 'Show all users instead.' : 'Create the accounts of the people who will sign in.'}
              </Empty>
            )
          return (
            <>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Username</th>
                    <th scope="col">Name</th>
                    <th scope="col">E-mail</th>
                    <th scope="col">Role</th>
                    <th scope="col">State</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {users.map((u) => (
                    <tr key={u.id}>
                      <td>
                        <a href={href(`users/${encodeURIComponent(u.username)}`)}>{u.username}</a>
                      </td>
                      <td>{u.name ?? '—'}</td>
                      <td>{u.email ?? '—'}</td>
                      <td>{ROLE_LABEL[roleOf(u)]}</td>
                      <td>
                        <UserState user={u} />
                      </td>
                      <td>
                        <When at={u.createdAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager pageInfo={data.users.pageInfo} onPage={setPage} />
            </>
          )
        }}
      </Loading>
      {creating && <CreateUser onClose={() => setCreating(false)} onSaved={list.reload} />}
    </>
  )
}

function CreateUser(props: { onClose: () => void; onSaved: () => void }) {
  const form = useForm()
  const [invited, setInvited] = useState<ResetLink>()
  const [d, setD] = useState({
    username: '',
    name: '',
    email: '',
    password: '',
    emailVerified: false,
    role: 'user' as Role,
  })
  const set =
    <K extends keyof typeof d>(k: K) =>
    (v: (typeof d)[K]) =>
      setD((o) => ({ ...o, [k]: v }))
  return (
    <Dialog title="New user" onClose={props.onClose}>
      {invited ? (
        <LinkShown
          link={invited}
          what={`Send this invitation to ${d.username}: it opens a page where they choose their password.`}
          onClose={props.onClose}
        />
      ) : (
        <form
          ref={form.ref}
          noValidate
          onSubmit={form.onSubmit(async () => {
            const created = await mutate<{ user: { id: string } }>(
              `mutation($input: CreateUserInput!) { createUser(input: $input) {
              __typename ...Err ... on UserPayload { user { id } } } }`,
              {
                username: d.username,
                password: d.password || undefined,
                emailVerified: d.emailVerified,
                name: d.name || undefined,
                email: d.email || undefined,
                ...roleInput(d.role),
              },
            )
            props.onSaved()
            if (d.password) {
              announce(`Created ${d.username}.`)
              props.onClose()
              return
            }
            // No password: an invitation. The link is where the new user chooses one.
            setInvited(await makeResetLink(created.user.id))
            announce(`Created ${d.username}; copy the invitation link.`)
          })}
        >
          <TextField
            label="Username"
            name="username"
            value={d.username}
            onValue={set('username')}
            errors={form.errors}
          />
          <TextField label="Name" name="name" value={d.name} onValue={set('name')} errors={form.errors} />
          <TextField
            label="E-mail"
            name="email"
            type="email"
            value={d.email}
            onValue={set('email')}
            errors={form.errors}
          />
          <CheckField
            label="I vouch for this address (email_verified)"
            name="emailVerified"
            checked={d.emailVerified}
            onChecked={set('emailVerified')}
            errors={form.errors}
          />
          <TextField
            label="Password"
            name="password"
            type="password"
            autocomplete="new-password"
            value={d.password}
            onValue={set('password')}
            errors={form.errors}
            hint="Leave empty to invite: you get a link where the user chooses one. Else tell them; they can change it."
          />
          <SelectField
            label="Role"
            name="isAdmin"
            value={d.role}
            onValue={(v) => set('role')(v as Role)}
            options={ROLES}
            errors={form.errors}
          />
          <FormError errors={form.errors} />
          <div class="buttons">
            <button type="submit" class="primary" disabled={form.busy}>
              Create user
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

type Pending = 'edit' | 'password' | 'link' | 'disable' | 'revoke' | 'delete' | undefined

function UserDetail(props: { username: string }) {
  const canWrite = useCanWrite()
  const [pending, setPending] = useState<Pending>()
  const user = useLoad(
    () => gql<{ user: User | null }>(`query($u: String!) { user(username: $u) { ${FIELDS} } }`, { u: props.username }),
    [props.username],
  )
  const close = () => setPending(undefined)
  const simple = async (mutation: string, id: string, done: string) => {
    await mutate(
      `mutation($input: UserIdInput!) { ${mutation}(input: $input) { __typename ...Err ... on UserPayload { user { id } } } }`,
      { id },
    )
    announce(done)
    user.reload()
  }
  const form = useForm()
  return (
    <Loading of={user}>
      {({ user: u }) => {
        if (!u)
          return (
            <Empty title={`There is no user ${props.username}.`}>
              <a href="#/users">Back to the users</a>
            </Empty>
          )
        return (
          <>
            <p class="crumbs">
              <a href="#/users">Users</a> /
            </p>
            <div class="heading">
              <h1>{u.username}</h1>
              {canWrite && (
                <form class="actions" ref={form.ref} onSubmit={(e) => e.preventDefault()}>
                  <button type="button" onClick={() => setPending('edit')}>
                    Edit
                  </button>
                  <button type="button" onClick={() => setPending('password')}>
                    Set password
                  </button>
                  <button type="button" onClick={() => setPending('link')}>
                    Make a password-reset link
                  </button>
                  {u.signInLockedFor > 0 && (
                    <button
                      type="button"
                      onClick={() =>
                        form.run(() => simple('clearUserSignInLockout', u.id, `${u.username} may sign in again.`))
                      }
                    >
                      Unlock sign-in
                    </button>
                  )}
                  {u.disabled ? (
                    <button
                      type="button"
                      onClick={() => form.run(() => simple('enableUser', u.id, `Enabled ${u.username}.`))}
                    >
                      Enable
                    </button>
                  ) : (
                    <button type="button" onClick={() => setPending('disable')}>
                      Disable
                    </button>
                  )}
                  <button type="button" onClick={() => setPending('revoke')}>
                    Revoke all tokens
                  </button>
                  <button type="button" class="danger" onClick={() => setPending('delete')}>
                    Delete
                  </button>
                </form>
              )}
            </div>
            <FormError errors={form.errors} />
            <dl class="facts">
              <dt>Name</dt>
              <dd>{u.name ?? '—'}</dd>
              <dt>E-mail</dt>
              <dd>
                {u.email ?? '—'} {u.email && (u.emailVerified ? '(verified)' : '(not verified)')}
              </dd>
              <dt>Role</dt>
              <dd>{ROLE_LABEL[roleOf(u)]}</dd>
              <dt>State</dt>
              <dd data-testid="user-state">
                <UserState user={u} />
              </dd>
              <dt>Created</dt>
              <dd>
                <When at={u.createdAt} />
              </dd>
              <dt>Grants and tokens</dt>
              <dd>
                <a href={href('tokens', { user: u.username })}>See what {u.username} has authorized</a>
              </dd>
            </dl>
            <Memberships user={u} onChange={user.reload} />
            {pending === 'edit' && <EditUser user={u} onClose={close} onSaved={user.reload} />}
            {pending === 'password' && <SetPassword user={u} onClose={close} />}
            {pending === 'link' && <MakeResetLink user={u} onClose={close} />}
            {pending === 'disable' && (
              <Confirm
                title={`Disable ${u.username}?`}
                what={
                  <p>They are signed out everywhere and every token they hold is revoked. You can enable them again.</p>
                }
                action="Disable"
                onClose={close}
                onConfirm={async () => {
                  await simple('disableUser', u.id, `Disabled ${u.username}.`)
                  close()
                }}
              />
            )}
            {pending === 'revoke' && (
              <Confirm
                title={`Revoke every token of ${u.username}?`}
                what={<p>Every access, refresh and personal token they hold stops working at once.</p>}
                action="Revoke all tokens"
                onClose={close}
                onConfirm={async () => {
                  const r = await mutate<{ revokedCount: number }>(
                    `mutation($input: UserIdInput!) { revokeUserTokens(input: $input) {
                      __typename ...Err ... on RevokedTokensPayload { revokedCount } } }`,
                    { id: u.id },
                  )
                  announce(`Revoked ${r.revokedCount} tokens.`)
                  close()
                }}
              />
            )}
            {pending === 'delete' && (
              <Confirm
                title={`Delete ${u.username}?`}
                what={
                  <p>
                    This cannot be undone: their sessions, tokens, codes and grants end with the account. Applications
                    they own stay, without an owner; the audit log keeps their name.
                  </p>
                }
                action="Delete user"
                onClose={close}
                onConfirm={async () => {
                  await mutate(
                    `mutation($input: UserIdInput!) { deleteUser(input: $input) {
                      __typename ...Err ... on DeleteUserPayload { username } } }`,
                    { id: u.id },
                  )
                  announce(`Deleted ${u.username}.`)
                  location.hash = '#/users'
                }}
              />
            )}
          </>
        )
      }}
    </Loading>
  )
}

function UserState(props: { user: User }) {
  const u = props.user
  return (
    <>
      {u.disabled ? <span class="tag bad">disabled</span> : 'enabled'}
      {u.signInLockedFor > 0 && (
        <>
          {' '}
          <span class="tag bad" title="Too many failed sign-ins">
            sign-in locked for {Math.ceil(u.signInLockedFor / 60)} min
          </span>
        </>
      )}
    </>
  )
}

function EditUser(props: { user: User; onClose: () => void; onSaved: () => void }) {
  const u = props.user
  const form = useForm()
  const [d, setD] = useState({
    name: u.name ?? '',
    email: u.email ?? '',
    emailVerified: u.emailVerified,
    role: roleOf(u),
  })
  const set =
    <K extends keyof typeof d>(k: K) =>
    (v: (typeof d)[K]) =>
      setD((o) => ({ ...o, [k]: v }))
  return (
    <Dialog title={`Edit ${u.username}`} onClose={props.onClose}>
      <form
        ref={form.ref}
        noValidate
        onSubmit={form.onSubmit(async () => {
          await mutate(
            `mutation($input: UpdateUserInput!) { updateUser(input: $input) {
              __typename ...Err ... on UserPayload { user { id } } } }`,
            { id: u.id, name: d.name, email: d.email, emailVerified: d.emailVerified, ...roleInput(d.role) },
          )
          announce(`Saved ${u.username}.`)
          props.onSaved()
          props.onClose()
        })}
      >
        <TextField label="Name" name="name" value={d.name} onValue={set('name')} errors={form.errors} />
        <TextField
          label="E-mail"
          name="email"
          type="email"
          value={d.email}
          onValue={set('email')}
          errors={form.errors}
        />
        <CheckField
          label="I vouch for this address (email_verified)"
          name="emailVerified"
          checked={d.emailVerified}
          onChecked={set('emailVerified')}
          errors={form.errors}
        />
        <SelectField
          label="Role"
          name="isAdmin"
          value={d.role}
          onValue={(v) => set('role')(v as Role)}
          options={ROLES}
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

interface ResetLink {
  url: string
  expiresAt: string
}

async function makeResetLink(id: string): Promise<ResetLink> {
  return await mutate<ResetLink>(
    `mutation($input: UserIdInput!) { createPasswordResetLink(input: $input) {
      __typename ...Err ... on CreatePasswordResetLinkPayload { url expiresAt } } }`,
    { id },
  )
}

function LinkShown(props: { link: ResetLink; what: string; onClose: () => void }) {
  return (
    <>
      <p>{props.what}</p>
      <SecretOnce label="Link" value={props.link.url} />
      <p class="muted">
        It works once, until <When at={props.link.expiresAt} />; a newer link replaces it.
      </p>
      <div class="buttons">
        <button type="button" class="primary" onClick={props.onClose}>
          Done
        </button>
      </div>
    </>
  )
}

/** A one-time link where the user sets a password themselves: the administrator never learns it. */
function MakeResetLink(props: { user: User; onClose: () => void }) {
  const form = useForm()
  const [link, setLink] = useState<ResetLink>()
  return (
    <Dialog title={`Password-reset link for ${props.user.username}`} onClose={props.onClose}>
      {link ? (
        <LinkShown
          link={link}
          what={`Send this link to ${props.user.username}: it opens a page where they choose a new password.`}
          onClose={props.onClose}
        />
      ) : (
        <form
          ref={form.ref}
          noValidate
          onSubmit={form.onSubmit(async () => {
            setLink(await makeResetLink(props.user.id))
            announce(`Made a password-reset link for ${props.user.username}; copy it now.`)
          })}
        >
          <p>
            The link lets {props.user.username} choose a new password once, within a day. Using it signs them out
            everywhere. A link made earlier stops working.
          </p>
          <FormError errors={form.errors} />
          <div class="buttons">
            <button type="submit" class="primary" disabled={form.busy}>
              Make link
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

function SetPassword(props: { user: User; onClose: () => void }) {
  const form = useForm()
  const [password, setPassword] = useState('')
  const [generated, setGenerated] = useState<string>()
  return (
    <Dialog title={`Set a password for ${props.user.username}`} onClose={props.onClose}>
      {generated ? (
        <>
          <SecretOnce label="New password" value={generated} />
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
            const r = await mutate<{ generatedPassword: string | null }>(
              `mutation($input: ResetUserPasswordInput!) { resetUserPassword(input: $input) {
                __typename ...Err ... on ResetUserPasswordPayload { generatedPassword } } }`,
              { id: props.user.id, password: password || undefined },
            )
            announce(`The password of ${props.user.username} was set; a lockout is lifted too.`)
            if (r.generatedPassword) setGenerated(r.generatedPassword)
            else props.onClose()
          })}
        >
          <TextField
            label="New password"
            name="password"
            type="password"
            autocomplete="new-password"
            value={password}
            onValue={setPassword}
            errors={form.errors}
            hint="Leave empty to have one generated and shown once."
          />
          <FormError errors={form.errors} />
          <div class="buttons">
            <button type="submit" class="primary" disabled={form.busy}>
              Set password
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

function Memberships(props: { user: User; onChange: () => void }) {
  const canWrite = useCanWrite()
  const form = useForm()
  const [group, setGroup] = useState('')
  const groups = useLoad(
    () =>
      gql<{ groups: Connection<{ id: string; name: string }> }>(
        'query { groups(first: 100) { edges { node { id name } } } }',
      ),
    [],
  )
  const mine = nodes(props.user.groups)
  const others = (groups.data ? nodes(groups.data.groups) : []).filter((g) => !mine.some((m) => m.id === g.id))
  const change = (mutation: string, groupId: string, done: string) =>
    form.run(async () => {
      await mutate(
        `mutation($input: GroupMemberInput!) { ${mutation}(input: $input) {
          __typename ...Err ... on GroupMembershipPayload { changed } } }`,
        { group: groupId, user: props.user.id },
      )
      announce(done)
      setGroup('')
      props.onChange()
    })
  return (
    <section aria-labelledby="groups-title">
      <h2 id="groups-title">Groups</h2>
      {!mine.length && (
        <p class="muted">
          Not in any group.
          {groups.data && !nodes(groups.data.groups).length && (
            <>
              {' '}
              There are no groups yet: create one under <a href="#/groups">Groups</a>.
            </>
          )}
        </p>
      )}
      <ul class="plain">
        {mine.map((g) => (
          <li key={g.id}>
            <span class="tag">{g.name}</span>{' '}
            {canWrite && (
              <button
                type="button"
                class="small"
                onClick={() => change('removeGroupMember', g.id, `Removed from ${g.name}.`)}
              >
                Remove from {g.name}
              </button>
            )}
          </li>
        ))}
      </ul>
      {canWrite && others.length > 0 && (
        <form
          ref={form.ref}
          class="inline"
          onSubmit={form.onSubmit(async () => change('addGroupMember', group, 'Added.'))}
        >
          <SelectField
            label="Add to group"
            name="group"
            value={group}
            onValue={setGroup}
            options={[['', 'Choose a group'], ...others.map((g): [string, string] => [g.id, g.name])]}
            errors={form.errors}
          />
          <button type="submit" disabled={!group || form.busy}>
            Add
          </button>
        </form>
      )}
      <FormError errors={form.errors} />
    </section>
  )
}

interface Group {
  id: string
  name: string
  description: string | null
  createdAt: string
  members: Connection<{ username: string }>
}

export function Groups() {
  const canWrite = useCanWrite()
  const [page, setPage] = useState<PageWindow>(FIRST_PAGE)
  const [creating, setCreating] = useState(false)
  const [deleting, setDeleting] = useState<Group>()
  const list = useLoad(
    () =>
      gql<{ groups: Connection<Group> }>(
        `query($first: Int, $after: String, $last: Int, $before: String) {
          groups(first: $first, after: $after, last: $last, before: $before) {
            edges { node { id name description createdAt members(first: 20) { edges { node { username } } pageInfo { hasNextPage } } } }
            ${PAGE_INFO} } }`,
        page,
      ),
    [page],
  )
  return (
    <>
      <div class="heading">
        <h1>Groups</h1>
        {canWrite && (
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            New group
          </button>
        )}
      </div>
      <p class="lead">A group's name is what the groups claim carries; applications can be restricted to groups.</p>
      <Loading of={list}>
        {(data) => {
          const groups = nodes(data.groups)
          if (!groups.length)
            return (
              <Empty title="No groups yet.">
                Groups are optional. Create one to restrict an application to its members or to pass a groups claim to
                applications such as Gitea; then add users from their page.
              </Empty>
            )
          return (
            <>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Description</th>
                    <th scope="col">Members</th>
                    {canWrite && <th scope="col">Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {groups.map((g) => (
                    <tr key={g.id}>
                      <td>{g.name}</td>
                      <td>{g.description ?? '—'}</td>
                      <td>
                        <Tags items={nodes(g.members).map((m) => m.username)} empty="no members" />
                        {g.members.pageInfo.hasNextPage && ' …'}
                      </td>
                      {canWrite && (
                        <td>
                          <button type="button" class="small danger" onClick={() => setDeleting(g)}>
                            Delete {g.name}
                          </button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager pageInfo={data.groups.pageInfo} onPage={setPage} />
            </>
          )
        }}
      </Loading>
      {creating && <CreateGroup onClose={() => setCreating(false)} onSaved={list.reload} />}
      {deleting && (
        <Confirm
          title={`Delete group ${deleting.name}?`}
          what={<p>Its memberships go; its users stay. Applications restricted to it only are closed to everyone.</p>}
          action="Delete group"
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await mutate(
              `mutation($input: GroupIdInput!) { deleteGroup(input: $input) {
                __typename ...Err ... on DeleteGroupPayload { name } } }`,
              { id: deleting.id },
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

function CreateGroup(props: { onClose: () => void; onSaved: () => void }) {
  const form = useForm()
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  return (
    <Dialog title="New group" onClose={props.onClose}>
      <form
        ref={form.ref}
        noValidate
        onSubmit={form.onSubmit(async () => {
          await mutate(
            `mutation($input: CreateGroupInput!) { createGroup(input: $input) {
              __typename ...Err ... on GroupPayload { group { id } } } }`,
            { name, description: description || undefined },
          )
          announce(`Created ${name}.`)
          props.onSaved()
          props.onClose()
        })}
      >
        <TextField
          label="Name"
          name="name"
          value={name}
          onValue={setName}
          errors={form.errors}
          hint="Letters, digits, . _ and -; what the groups claim carries."
        />
        <TextField
          label="Description"
          name="description"
          value={description}
          onValue={setDescription}
          errors={form.errors}
        />
        <FormError errors={form.errors} />
        <div class="buttons">
          <button type="submit" class="primary" disabled={form.busy}>
            Create group
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  )
}
