/**
 * A throwaway CA and a `localhost` leaf certificate, made once per module instance (jest gives
 * each test file its own). The CA PEM is
 * written to a file because the action (a child process) can only be told to trust it
 * through NODE_EXTRA_CA_CERTS, which Node reads at start-up.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import forge from 'node-forge'

export interface TestTls {
  readonly caPem: string
  /** File holding caPem, for NODE_EXTRA_CA_CERTS. */
  readonly caFile: string
  readonly certPem: string
  readonly keyPem: string
}

let cached: TestTls | undefined

export function getTestTls(): TestTls {
  cached ??= generate()
  return cached
}

/** node:crypto makes RSA keys far faster than forge's pure-JS generator. */
function rsaKeyPair(): {
  privateKey: forge.pki.rsa.PrivateKey
  publicKey: forge.pki.rsa.PublicKey
} {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
  const key = forge.pki.privateKeyFromPem(pem)
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e) }
}

function serial(): string {
  // Positive (high bit clear) so that strict DER parsers accept it.
  const bytes = randomBytes(16)
  bytes[0] = (bytes[0] ?? 0) & 0x7f
  return bytes.toString('hex')
}

function validity(cert: forge.pki.Certificate): void {
  const now = Date.now()
  cert.validity.notBefore = new Date(now - 60 * 60 * 1000)
  cert.validity.notAfter = new Date(now + 7 * 24 * 60 * 60 * 1000)
}

function generate(): TestTls {
  const caKeys = rsaKeyPair()
  const ca = forge.pki.createCertificate()
  ca.publicKey = caKeys.publicKey
  ca.serialNumber = serial()
  validity(ca)
  // A distinct name per CA: one jest worker runs several test files, each with its own CA in
  // the same process-wide trust store, and OpenSSL picks an issuer by name before checking
  // the signature.
  const caName = [{ name: 'commonName', value: `keyless-pr-review test CA ${ca.serialNumber}` }]
  ca.setSubject(caName)
  ca.setIssuer(caName)
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' }
  ])
  ca.sign(caKeys.privateKey, forge.md.sha256.create())

  const leafKeys = rsaKeyPair()
  const leaf = forge.pki.createCertificate()
  leaf.publicKey = leafKeys.publicKey
  leaf.serialNumber = serial()
  validity(leaf)
  leaf.setSubject([{ name: 'commonName', value: 'localhost' }])
  leaf.setIssuer(caName)
  leaf.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' }
      ]
    }
  ])
  leaf.sign(caKeys.privateKey, forge.md.sha256.create())

  const caPem = forge.pki.certificateToPem(ca)
  const dir = mkdtempSync(join(tmpdir(), 'kpr-ca-'))
  const caFile = join(dir, 'ca.pem')
  writeFileSync(caFile, caPem)
  return {
    caPem,
    caFile,
    certPem: forge.pki.certificateToPem(leaf),
    keyPem: forge.pki.privateKeyToPem(leafKeys.privateKey)
  }
}
