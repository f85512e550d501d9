/**
 * A throw-away certificate authority and one server certificate it signed, made with the openssl CLI in a
 * temporary folder, for tests that need a real HTTPS server on loopback (issue 18: metadata documents).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestCa extends Disposable {
  /** The CA's certificate file (PEM), for a "trust this CA" setting. */
  caFile: string
  caPem: string
  /** The server's certificate and key (PEM), for Bun.serve's `tls`. */
  cert: string
  key: string
}

function openssl(dir: string, args: string[]): void {
  const run = Bun.spawnSync(['openssl', ...args], { cwd: dir, stderr: 'pipe', stdout: 'pipe' })
  if (run.exitCode !== 0) throw new Error(`openssl ${args[0]} failed: ${run.stderr.toString()}`)
}

/** A CA and a certificate for `names` (DNS names), both valid for a day. */
export function makeTestCa(names: readonly string[]): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-ca-'))
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
  openssl(dir, [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=Latchkey test CA',
  ])
  openssl(dir, ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${names[0]}`])
  const san = names.map((n) => `DNS:${n}`).join(',')
  writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`)
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '1',
    '-extfile',
    'ext.cnf',
  ])
  const read = (f: string) => readFileSync(join(dir, f), 'utf8')
  return {
    caFile: join(dir, 'ca.pem'),
    caPem: read('ca.pem'),
    cert: read('server.pem'),
    key: read('server.key'),
    [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }),
  }
}
