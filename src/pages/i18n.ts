/**
 * @module
 * Which language a page speaks. OIDC Core §3.1.2.1 `ui_locales` (space-separated BCP 47 tags, in order
 * of preference) wins when an authorization request sent it; then the browser's Accept-Language
 * (RFC 9110 §12.5.4, q-values); then English. Tags match by exact tag first, then by primary language
 * (`de-CH` → `de`), which is the "lookup" of RFC 4647 §3.4 cut to the catalogues we have.
 */
import { de } from './messages/de.ts'
import { en, type Messages } from './messages/en.ts'

export type { Messages }

/** Every catalogue, by its BCP 47 tag. A new language is one file and one row here. */
export const CATALOGUES = { en, de } as const satisfies Record<string, Messages>
export type Locale = keyof typeof CATALOGUES
export const DEFAULT_LOCALE: Locale = 'en'

export function messagesFor(locale: Locale): Messages {
  return CATALOGUES[locale]
}

function isLocale(tag: string): tag is Locale {
  return Object.hasOwn(CATALOGUES, tag)
}

/** The catalogue for one language tag, or undefined: `de-AT` → `de`, `*` and unknown tags → undefined. */
export function matchTag(tag: string): Locale | undefined {
  const lower = tag.trim().toLowerCase()
  if (isLocale(lower)) return lower
  const primary = lower.split('-')[0]!
  return isLocale(primary) ? primary : undefined
}

/** Accept-Language's tags, best first; q=0 means "not this one" and is dropped (RFC 9110 §12.4.2). */
export function parseAcceptLanguage(header: string | null | undefined): string[] {
  if (!header) return []
  return header
    .slice(0, 1024)
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.split(';').map((s) => s.trim())
      const q = params.find((p) => /^q=/i.test(p))
      const weight = q ? Number(q.slice(2)) : 1
      return { tag, weight: Number.isFinite(weight) ? weight : 0, index }
    })
    .filter((e) => e.tag && e.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((e) => e.tag)
}

/** `ui_locales` first (its order is the preference), then Accept-Language, then English. */
export function negotiateLocale(
  uiLocales: string | null | undefined,
  acceptLanguage: string | null | undefined,
): Locale {
  const wanted = [...(uiLocales ?? '').slice(0, 256).split(' ').filter(Boolean), ...parseAcceptLanguage(acceptLanguage)]
  for (const tag of wanted) {
    const locale = matchTag(tag)
    if (locale) return locale
  }
  return DEFAULT_LOCALE
}
