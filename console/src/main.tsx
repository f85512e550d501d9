/** The admin console: a single page on /admin with hash routes, talking only to /graphql. */
import './console.css'
import { render } from 'preact'
import { useEffect, useRef } from 'preact/hooks'
import { GRAPHIQL_URL, gql, SIGNED_IN_AS } from './api.ts'
import { Applications } from './screens/applications.tsx'
import { Audit } from './screens/audit.tsx'
import { Keys } from './screens/keys.tsx'
import { Overview } from './screens/overview.tsx'
import { RegistrationTokens, Resources } from './screens/resources.tsx'
import { Scopes } from './screens/scopes.tsx'
import { Tokens } from './screens/tokens.tsx'
import { Groups, Users } from './screens/users.tsx'
import { CanWrite, LiveRegion, Loading, useLoad, useRoute } from './ui.tsx'

const SCREENS = [
  ['', 'Overview'],
  ['applications', 'Applications'],
  ['users', 'Users'],
  ['groups', 'Groups'],
  ['scopes', 'Scopes'],
  ['resources', 'Resources'],
  ['registration', 'Registration tokens'],
  ['tokens', 'Grants & tokens'],
  ['keys', 'Signing keys'],
  ['audit', 'Audit log'],
] as const

function Screen(props: { path: string[]; query: URLSearchParams }) {
  const [screen, ...rest] = props.path
  switch (screen ?? '') {
    case '':
      return <Overview />
    case 'applications':
      return <Applications clientId={rest[0]} />
    case 'users':
      return <Users username={rest[0]} />
    case 'groups':
      return <Groups />
    case 'scopes':
      return <Scopes />
    case 'resources':
      return <Resources />
    case 'registration':
      return <RegistrationTokens />
    case 'tokens':
      return <Tokens query={props.query} />
    case 'keys':
      return <Keys />
    case 'audit':
      return <Audit query={props.query} />
    default:
      return (
        <>
          <h1>Not found</h1>
          <p>
            There is no such screen. <a href="#/">Back to the overview</a>.
          </p>
        </>
      )
  }
}

function App() {
  const route = useRoute()
  const viewer = useLoad(() => gql<{ viewer: { canWrite: boolean; accessLevel: string } }>(VIEWER), [])
  const current = route.path[0] ?? ''
  // After a navigation the new screen gets the focus, so keyboard and screen reader users start there.
  const main = useRef<HTMLElement>(null)
  const first = useRef(true)
  useEffect(() => {
    if (first.current) first.current = false
    else main.current?.focus()
  }, [current])
  return (
    <CanWrite.Provider value={viewer.data?.viewer.canWrite ?? false}>
      <button type="button" class="skip" onClick={() => main.current?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <span class="brand">Latchkey</span>
        <span class="who">
          {SIGNED_IN_AS}
          {viewer.data && !viewer.data.viewer.canWrite && <span class="tag">read-only</span>}
        </span>
      </header>
      <div class="frame">
        <nav class="side" aria-label="Console">
          <ul>
            {SCREENS.map(([path, label]) => (
              <li key={path}>
                <a href={`#/${path}`} aria-current={current === path ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
            {GRAPHIQL_URL && (
              <li>
                <a href={GRAPHIQL_URL}>GraphiQL</a>
              </li>
            )}
          </ul>
        </nav>
        <main id="main" tabIndex={-1} ref={main}>
          {viewer.error ? (
            <Loading of={viewer}>{() => null}</Loading>
          ) : (
            // The screen loads beside the viewer query, not after it: write controls appear once it says so.
            <Screen path={route.path} query={route.query} />
          )}
        </main>
      </div>
      <LiveRegion />
    </CanWrite.Provider>
  )
}

const VIEWER = 'query { viewer { canWrite accessLevel } }'

// The shell links the stylesheet or not; either way the console has it (style-src 'self').
if (!document.querySelector('link[href$="console.css"]')) {
  const link = document.createElement('link')
  link.rel = 'stylesheet'
  link.href = '/admin/assets/console.css'
  document.head.append(link)
}
const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'))
render(<App />, root)
