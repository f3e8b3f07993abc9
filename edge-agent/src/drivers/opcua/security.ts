/**
 * The client side of OPC UA security: our certificate and the trust folder under `pkiDir`, security
 * mode and policy, user identity, and a failure message a person can act on.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { OpcuaDeviceConfig } from '@rhn/protocols'
import { MessageSecurityMode, OPCUACertificateManager, OPCUAClient, SecurityPolicy, UserTokenType, type UserIdentityInfo } from 'node-opcua'
import { EdgeError } from '../../errors.js'

/** The application URI of our certificate; stable so a certificate made on one run fits the next. */
export const CLIENT_APPLICATION_URI = 'urn:rhn:edge-agent'
/** Requested session timeout, ms: a minute, so a short network blip does not cost the session on the server. */
const SESSION_TIMEOUT_MS = 60_000

const POLICY: Readonly<Record<OpcuaDeviceConfig['securityPolicy'], SecurityPolicy>> = {
  None: SecurityPolicy.None,
  Basic256Sha256: SecurityPolicy.Basic256Sha256,
  Aes128_Sha256_RsaOaep: SecurityPolicy.Aes128_Sha256_RsaOaep,
  Aes256_Sha256_RsaPss: SecurityPolicy.Aes256_Sha256_RsaPss,
}

/** Security settings as both the driver and `discover` take them. */
export type ClientSecurity = Pick<OpcuaDeviceConfig, 'securityMode' | 'securityPolicy' | 'timeoutMs'> & {
  /** Absolute PKI folder. */
  pkiDir: string
}

/** `<pkiDir>/trusted/certs`: where server certificates must be put to be trusted. */
export function trustedFolder(pkiDir: string): string {
  return resolve(pkiDir, 'trusted', 'certs')
}

/**
 * A new client (not connected) and its certificate manager (dispose it after use). The manager is
 * rooted at `pkiDir`, never `~/.config`, and trusts only what is in the trusted folder: no silent
 * trust-all. node-opcua's own reconnection is off (`maxRetry: 0`): the driver rebuilds session and
 * items itself (issue 4).
 */
export async function createClient(s: ClientSecurity): Promise<{ client: OPCUAClient; certificates: OPCUACertificateManager }> {
  // No file watchers (they would outlive us); instead the trust folder is re-read at every connection
  // attempt, so a certificate an operator has just moved there counts at the next retry.
  const certificates = new OPCUACertificateManager({ rootFolder: s.pkiDir, automaticallyAcceptUnknownCertificate: false, disableFileWatchers: true })
  await certificates.initialize()
  await certificates.reloadCertificates()
  const client = OPCUAClient.create({
    applicationName: 'rhn-edge',
    applicationUri: CLIENT_APPLICATION_URI,
    securityMode: MessageSecurityMode[s.securityMode],
    securityPolicy: POLICY[s.securityPolicy],
    clientCertificateManager: certificates,
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 1_000 },
    transportTimeout: s.timeoutMs,
    defaultTransactionTimeout: s.timeoutMs,
    requestedSessionTimeout: SESSION_TIMEOUT_MS,
    keepSessionAlive: true,
  })
  return { client, certificates }
}

/**
 * The identity to log in with: anonymous, or the user name with the password given inline or in
 * `passwordFile` (first line, resolved against the config file's folder).
 */
export async function userIdentity(c: Pick<OpcuaDeviceConfig, 'id' | 'username' | 'password' | 'passwordFile'>, baseDir: string): Promise<UserIdentityInfo> {
  if (c.username === undefined) return { type: UserTokenType.Anonymous }
  let password = c.password
  if (password === undefined && c.passwordFile !== undefined) {
    const file = resolve(baseDir, c.passwordFile)
    try {
      password = (await readFile(file, 'utf8')).split(/\r?\n/)[0] ?? ''
    } catch (err) {
      throw new EdgeError('RHN_EDGE_CONFIG_INVALID', `devices.${c.id}.passwordFile: cannot read ${file}: ${(err as Error).message}`, { cause: err })
    }
  }
  return { type: UserTokenType.UserName, userName: c.username, password: password ?? '' }
}

/** Turns a connect failure into a message that says what to do, above all for an untrusted server certificate. */
export function explainFailure(err: unknown, url: string, pkiDir: string): string {
  const text = err instanceof Error ? err.message : String(err)
  if (/BadCertificateUntrusted|Certificate verification failed/i.test(text)) {
    return `the server certificate of ${url} is not trusted: node-opcua put it in ${resolve(pkiDir, 'rejected')}; after checking its thumbprint, move it (a copy left in rejected/ stays rejected) to ${trustedFolder(pkiDir)} (${text})`
  }
  return `${url}: ${text}`
}
