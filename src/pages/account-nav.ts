/**
 * @module
 * The account pages' navigation: one row per page that exists, in the order shown. A new account page
 * adds its row here (its label from the catalogue) and passes `accountNav(ui, path)` to `layout`.
 */
import type { LayoutOptions, PageUi } from './html.ts'
import type { Messages } from './i18n.ts'

export const ACCOUNT_PAGES: ReadonlyArray<{ href: string; label: (t: Messages) => string }> = [
  { href: '/account', label: (t) => t.accountPages.profileNav },
  { href: '/account/password', label: (t) => t.accountPages.passwordNav },
  { href: '/account/sessions', label: (t) => t.accountPages.sessionsNav },
  { href: '/account/applications', label: (t) => t.account.applicationsNav },
  { href: '/account/tokens', label: (t) => t.accountPages.tokensNav },
]

/** The navigation for the account page at `current`, in the page's language. */
export function accountNav(ui: PageUi, current: string): NonNullable<LayoutOptions['nav']> {
  return {
    label: ui.t.layout.accountNav,
    entries: ACCOUNT_PAGES.map((p) => ({ href: p.href, label: p.label(ui.t) })),
    current,
  }
}
