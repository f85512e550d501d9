/** Shared pieces: data loading, forms with errors beside their fields, dialogs, pagers, announcements. */
import type { ComponentChildren } from 'preact'
import { createContext } from 'preact'
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks'
import { ApiError, MutationError, type PageInfo, type PageWindow, PAGE_SIZE } from './api.ts'

/** What the signed-in administrator may do; read-only administrators see no write controls. */
export const CanWrite = createContext(false)
export function useCanWrite(): boolean {
  return useContext(CanWrite)
}

/** The polite live region in the layout: results of actions are read out by screen readers. */
let announcer: (message: string) => void = () => {}
export function announce(message: string): void {
  announcer(message)
}
export function LiveRegion() {
  const [message, setMessage] = useState('')
  useEffect(() => {
    announcer = (m) => {
      setMessage('')
      requestAnimationFrame(() => setMessage(m))
    }
  }, [])
  return (
    <p class="live" role="status" aria-live="polite" data-testid="status">
      {message}
    </p>
  )
}

export interface Loaded<T> {
  data?: T
  error?: string
  loading: boolean
  reload: () => void
}

/** Runs `load` when `deps` change (and on reload), keeping only the latest answer. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true })
  const [tick, setTick] = useState(0)
  useEffect(() => {
    let live = true
    setState((s) => ({ ...s, loading: true }))
    load().then(
      (data) => live && setState({ data, loading: false }),
      (e: unknown) => live && setState({ error: messageOf(e), loading: false }),
    )
    return () => {
      live = false
    }
  }, [...deps, tick])
  const reload = useCallback(() => setTick((t) => t + 1), [])
  return { ...state, reload }
}

export function messageOf(e: unknown): string {
  if (e instanceof ApiError || e instanceof MutationError) return e.message
  return e instanceof Error ? `Something went wrong: ${e.message}` : 'Something went wrong.'
}

/** A loading or failed state, or the content. */
export function Loading<T>(props: { of: Loaded<T>; children: (data: T) => ComponentChildren }) {
  const { data, error, loading } = props.of
  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    )
  if (data === undefined)
    return (
      <p class="muted" aria-busy={loading}>
        Loading…
      </p>
    )
  return <>{props.children(data)}</>
}

export type FieldErrors = Record<string, string>

/**
 * A form's submit state. `run` calls the action; a MutationError naming a field inside this form is
 * shown beside that field (which takes the focus), any other failure above the buttons.
 */
export function useForm() {
  const ref = useRef<HTMLFormElement>(null)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  const run = async (action: () => Promise<void>) => {
    setBusy(true)
    setErrors({})
    try {
      await action()
    } catch (e) {
      const name = e instanceof MutationError ? e.fieldName : null
      const input = name ? ref.current?.querySelector<HTMLElement>(`[name="${name}"]`) : null
      if (name && input) {
        // The service's message may start with the path it names ("redirectUris.0: ..."): beside the field it is noise.
        const field = (e as MutationError).field ?? name
        const message = (e as MutationError).message
        setErrors({ [name]: message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message })
        requestAnimationFrame(() => input.focus())
      } else setErrors({ _: e instanceof MutationError && e.field ? `${e.field}: ${e.message}` : messageOf(e) })
    } finally {
      setBusy(false)
    }
  }
  const onSubmit = (action: () => Promise<void>) => (event: Event) => {
    event.preventDefault()
    if (!busy) void run(action)
  }
  return { ref, errors, busy, run, onSubmit, setErrors }
}

export function FormError(props: { errors: FieldErrors }) {
  if (!props.errors._) return null
  return (
    <p class="error" role="alert">
      {props.errors._}
    </p>
  )
}

interface FieldProps {
  label: string
  name: string
  errors: FieldErrors
  hint?: string
}

function described(props: FieldProps) {
  const ids = [props.hint && `${props.name}-hint`, props.errors[props.name] && `${props.name}-error`].filter(Boolean)
  return {
    id: `f-${props.name}`,
    name: props.name,
    'aria-invalid': props.errors[props.name] ? true : undefined,
    'aria-describedby': ids.length ? ids.join(' ') : undefined,
  }
}

function FieldNotes(props: FieldProps) {
  return (
    <>
      {props.hint && (
        <small id={`${props.name}-hint`} class="hint">
          {props.hint}
        </small>
      )}
      {props.errors[props.name] && (
        <span id={`${props.name}-error`} class="field-error" data-field-error={props.name}>
          {props.errors[props.name]}
        </span>
      )}
    </>
  )
}

export function TextField(
  props: FieldProps & {
    value: string
    onValue: (v: string) => void
    type?: 'text' | 'password' | 'email' | 'number' | 'search'
    required?: boolean
    multiline?: boolean
    autocomplete?: string
    placeholder?: string
  },
) {
  const common = {
    ...described(props),
    value: props.value,
    required: props.required,
    placeholder: props.placeholder,
    onInput: (e: Event) => props.onValue((e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value),
  }
  return (
    <div class="field">
      <label for={`f-${props.name}`}>{props.label}</label>
      {props.multiline ? (
        <textarea {...common} rows={3} />
      ) : (
        <input {...common} type={(props.type ?? 'text') as 'text'} autocomplete={props.autocomplete ?? 'off'} />
      )}
      <FieldNotes {...props} />
    </div>
  )
}

export function CheckField(props: FieldProps & { checked: boolean; onChecked: (v: boolean) => void }) {
  return (
    <div class="field check">
      <input
        {...described(props)}
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onChecked(e.currentTarget.checked)}
      />
      <label for={`f-${props.name}`}>{props.label}</label>
      <FieldNotes {...props} />
    </div>
  )
}

export function SelectField(
  props: FieldProps & { value: string; onValue: (v: string) => void; options: Array<[string, string]> },
) {
  return (
    <div class="field">
      <label for={`f-${props.name}`}>{props.label}</label>
      <select {...described(props)} value={props.value} onChange={(e) => props.onValue(e.currentTarget.value)}>
        {props.options.map(([value, label]) => (
          <option value={value} key={value}>
            {label}
          </option>
        ))}
      </select>
      <FieldNotes {...props} />
    </div>
  )
}

/** A group of checkboxes sharing one input name (e.g. grantTypes), with its error beside the group. */
export function CheckGroup(
  props: FieldProps & { values: string[]; onValues: (v: string[]) => void; options: Array<[string, string]> },
) {
  const toggle = (value: string, on: boolean) =>
    props.onValues(on ? [...props.values, value] : props.values.filter((v) => v !== value))
  return (
    <fieldset class="field" aria-describedby={props.errors[props.name] ? `${props.name}-error` : undefined}>
      <legend>{props.label}</legend>
      {props.options.map(([value, label], i) => (
        <label class="check" key={value}>
          <input
            type="checkbox"
            name={i === 0 ? props.name : undefined}
            value={value}
            checked={props.values.includes(value)}
            onChange={(e) => toggle(value, e.currentTarget.checked)}
          />{' '}
          {label}
        </label>
      ))}
      <FieldNotes {...props} />
    </fieldset>
  )
}

/**
 * A modal <dialog>: showModal() moves the focus inside and traps it, Escape closes it, and the focus
 * goes back to the control that opened it.
 */
export function Dialog(props: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null
    const dialog = ref.current!
    dialog.showModal()
    return () => {
      if (dialog.open) dialog.close()
      opener?.focus?.()
    }
  }, [])
  return (
    <dialog
      ref={ref}
      class={props.wide ? 'wide' : undefined}
      aria-labelledby="dialog-title"
      onCancel={(e) => {
        e.preventDefault()
        props.onClose()
      }}
    >
      <h2 id="dialog-title">{props.title}</h2>
      {props.children}
    </dialog>
  )
}

/** Asks before doing something that cannot be undone; `what` says what will happen. */
export function Confirm(props: {
  title: string
  what: ComponentChildren
  action: string
  onConfirm: () => Promise<void>
  onClose: () => void
}) {
  const form = useForm()
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <form ref={form.ref} onSubmit={form.onSubmit(props.onConfirm)}>
        <div class="confirm-text">{props.what}</div>
        <FormError errors={form.errors} />
        <div class="buttons">
          <button type="submit" class="danger" disabled={form.busy}>
            {props.action}
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  )
}

/** Shows a secret once, with a copy button (Clipboard API). */
export function SecretOnce(props: { label: string; value: string }) {
  const [copied, setCopied] = useState(false)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value)
      setCopied(true)
      announce(`${props.label} copied to the clipboard.`)
    } catch {
      announce('The browser did not allow copying; select the value and copy it by hand.')
    }
  }
  return (
    <div class="secret">
      <p>
        <strong>{props.label}</strong>: shown this once, never again. Copy it now.
      </p>
      <div class="secret-row">
        <code data-testid="secret">{props.value}</code>
        <button type="button" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  )
}

/** Previous / next for a relay connection. */
export function Pager(props: { pageInfo: PageInfo; onPage: (w: PageWindow) => void }) {
  const { pageInfo } = props
  if (!pageInfo.hasNextPage && !pageInfo.hasPreviousPage) return null
  return (
    <nav class="pager" aria-label="Pages">
      <button
        type="button"
        disabled={!pageInfo.hasPreviousPage}
        onClick={() => props.onPage({ last: PAGE_SIZE, before: pageInfo.startCursor ?? undefined })}
      >
        ← Previous
      </button>
      <button
        type="button"
        disabled={!pageInfo.hasNextPage}
        onClick={() => props.onPage({ first: PAGE_SIZE, after: pageInfo.endCursor ?? undefined })}
      >
        Next →
      </button>
    </nav>
  )
}

/** What an empty list means and what to do next. */
export function Empty(props: { title: string; children: ComponentChildren }) {
  return (
    <div class="empty">
      <p>
        <strong>{props.title}</strong>
      </p>
      <div>{props.children}</div>
    </div>
  )
}

export function When(props: { at: string | null | undefined }) {
  if (!props.at) return <span class="muted">—</span>
  const d = new Date(props.at)
  return (
    <time dateTime={props.at} title={d.toISOString()}>
      {d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
    </time>
  )
}

export function Tags(props: { items: string[]; empty?: string }) {
  if (!props.items.length) return <span class="muted">{props.empty ?? 'none'}</span>
  return (
    <span class="tags">
      {props.items.map((i) => (
        <span class="tag" key={i}>
          {i}
        </span>
      ))}
    </span>
  )
}

/** Splits a list typed one per line (redirect URIs). */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
}

/** Splits a list typed with spaces, commas or new lines. */
export function words(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((w) => w.trim())
    .filter(Boolean)
}

/** The hash route: `#/applications/abc?x=1` → path ['applications', 'abc'] and its query. */
export function useRoute(): { path: string[]; query: URLSearchParams } {
  const read = () => {
    const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?')
    return { path: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) }
  }
  const [route, setRoute] = useState(read)
  useEffect(() => {
    const on = () => setRoute(read())
    addEventListener('hashchange', on)
    return () => removeEventListener('hashchange', on)
  }, [])
  return route
}

export function href(path: string, query?: Record<string, string | undefined>): string {
  const q = new URLSearchParams(Object.entries(query ?? {}).filter((e): e is [string, string] => !!e[1]))
  return `#/${path}${q.size ? `?${q}` : ''}`
}
