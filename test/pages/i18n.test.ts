/**
 * Issue 17: page text comes from message catalogues, picked by OIDC Core §3.1.2.1 `ui_locales`, then
 * Accept-Language (RFC 9110 §12.5.4, q-values), then English; every catalogue has English's keys.
 */
import { describe, expect, test } from 'bun:test'
import { CATALOGUES, type Locale, negotiateLocale, parseAcceptLanguage } from '../../src/pages/i18n.ts'
import { en } from '../../src/pages/messages/en.ts'

describe('issue 17: locale negotiation', () => {
  const cases: Array<[string, string | undefined, string | null, Locale]> = [
    ['OIDC Core §3.1.2.1: ui_locales wins over Accept-Language', 'de', 'en-US,en;q=0.9', 'de'],
    ['ui_locales in order: the first one we have', 'fr-CA ja de-AT en', 'en', 'de'],
    ['ui_locales we have none of → Accept-Language', 'fr ja', 'de-DE,de;q=0.9', 'de'],
    ['RFC 9110 §12.5.4: the highest q wins, not the first listed', undefined, 'en;q=0.5, de;q=0.8', 'de'],
    ['q=0 means "not this one"', undefined, 'de;q=0, en;q=0.1', 'en'],
    ['a region falls back to its language', undefined, 'de-CH', 'de'],
    ['tags are case-insensitive', 'DE', null, 'de'],
    ['equal q: the order given', undefined, 'fr;q=0.7, de;q=0.7, en;q=0.7', 'de'],
    ['nothing we have → English', 'ja', 'fr, *;q=0.1', 'en'],
    ['nothing at all → English', undefined, null, 'en'],
    ['garbage → English', '\u0000', ';;;,q=x,', 'en'],
  ]
  test.each(cases)('%s', (_name, uiLocales, acceptLanguage, expected) => {
    expect(negotiateLocale(uiLocales, acceptLanguage)).toBe(expected)
  })

  test('Accept-Language parsing: weights sort, malformed weights count as 0', () => {
    expect(parseAcceptLanguage('da, en-gb;q=0.8, en;q=0.7')).toEqual(['da', 'en-gb', 'en'])
    expect(parseAcceptLanguage('de;q=abc, fr')).toEqual(['fr'])
    expect(parseAcceptLanguage('')).toEqual([])
  })
})

/** Every path to a message in a catalogue, with the arity of the functions among them. */
function shape(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return [`${path}: text`]
  if (typeof value === 'function') return [`${path}: (${value.length})`]
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => shape(v, `${path}.${k}`))
}

describe('issue 17: every catalogue is complete', () => {
  for (const [locale, messages] of Object.entries(CATALOGUES))
    test(`${locale} has exactly English's messages, with the same parameters`, () => {
      expect(shape(messages)).toEqual(shape(en))
      for (const line of shape(messages)) expect(line).not.toContain('undefined')
    })

  test('German is not English copied: every text differs where words are expected to', () => {
    const same = shape(CATALOGUES.de).filter((line) => {
      const path = line.split(':')[0]!.slice(1).split('.')
      const get = (m: unknown) => path.reduce((o, k) => (o as Record<string, unknown>)[k], m)
      const [d, e] = [get(CATALOGUES.de), get(en)]
      return typeof d === 'string' && d === e
    })
    // Words that are the same in both languages.
    expect(same.map((l) => l.split(':')[0])).toEqual([
      '.consent.website',
      '.device.code',
      '.accountPages.name',
      '.accountPages.browser',
      '.accountPages.token',
      '.accountPages.scopes',
    ])
  })
})
