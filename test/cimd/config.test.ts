/** Issue 18: the metadata document settings, parsed once like every other (src/config.ts). */
import { describe, expect, test } from 'bun:test'
import { ConfigError, loadConfig } from '../../src/config.ts'

const load = (flags: Record<string, unknown>, files: Record<string, string> = {}) =>
  loadConfig({
    flags,
    env: {},
    readFile: (path) => {
      const text = files[path]
      if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' })
      return text
    },
  })

describe('issue 18: metadata document settings', () => {
  test('defaults: on, no allowed hosts, no extra CA, the identity scopes', () => {
    const c = load({})
    expect(c.metadataDocuments).toBe(true)
    expect(c.metadataDocumentAllowHosts).toEqual([])
    expect(c.metadataDocumentCa).toBeUndefined()
    expect(c.metadataDocumentScopes).toEqual(['openid', 'profile', 'email', 'offline_access'])
  })

  test('allowed hosts are host:port pairs, lower-cased; IPv6 in brackets', () => {
    const c = load({ 'metadata-document-allow-hosts': 'Client.Test:8443, 127.0.0.1:9443,[::1]:443' })
    expect(c.metadataDocumentAllowHosts).toEqual(['client.test:8443', '127.0.0.1:9443', '[::1]:443'])
    for (const bad of ['client.test', 'client.test:0', 'client.test:70000', '::1:443', 'https://x:1', 'a b:1'])
      expect(() => load({ 'metadata-document-allow-hosts': bad })).toThrow(/metadata-document-allow-hosts/)
  })

  test('the CA file is read once, and must hold a certificate', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
    expect(load({ 'metadata-document-ca-file': '/ca.pem' }, { '/ca.pem': pem }).metadataDocumentCa).toBe(pem)
    expect(() => load({ 'metadata-document-ca-file': '/none.pem' })).toThrow(ConfigError)
    expect(() => load({ 'metadata-document-ca-file': '/x.pem' }, { '/x.pem': 'hello' })).toThrow(/no PEM certificate/)
  })

  test('off, and scopes as a list', () => {
    const c = load({ 'metadata-documents': 'false', 'metadata-document-scopes': 'openid mcp:tools' })
    expect(c.metadataDocuments).toBe(false)
    expect(c.metadataDocumentScopes).toEqual(['openid', 'mcp:tools'])
  })
})
