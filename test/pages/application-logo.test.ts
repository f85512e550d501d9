/**
 * Issue 17: an application's logo is shown only when the page CSP (`img-src 'self'`) allows it
 * unchanged: a same-origin URL. Remote and data: logos are not shown (pages/application-logo.ts says why).
 */
import { describe, expect, test } from 'bun:test'
import { sameOriginLogo } from '../../src/pages/application-logo.ts'

const ISSUER = 'https://id.example.com'

describe('issue 17: which application logos a page shows', () => {
  test.each([
    ['a path on this origin', '/assets/apps/grafana.png', '/assets/apps/grafana.png'],
    ['an absolute URL on this origin, shown as its path', 'https://id.example.com/logo.svg?v=2', '/logo.svg?v=2'],
    ['another host', 'https://cdn.example.net/logo.png', undefined],
    ['another port of this host', 'https://id.example.com:8443/logo.png', undefined],
    ['plain http of this host', 'http://id.example.com/logo.png', undefined],
    ['a protocol-relative URL', '//evil.example/logo.png', undefined],
    ['a data: URI (would need img-src data:)', 'data:image/png;base64,iVBORw0KGgo=', undefined],
    ['javascript:', 'javascript:alert(1)', undefined],
    ['empty', '', undefined],
  ])('%s', (_name, logoUri, shown) => {
    expect(sameOriginLogo({ logoUri }, ISSUER)).toBe(shown)
  })

  test('an application without the field, or with null, shows none', () => {
    expect(sameOriginLogo({ name: 'x' }, ISSUER)).toBeUndefined()
    expect(sameOriginLogo({ logoUri: null }, ISSUER)).toBeUndefined()
  })
})
