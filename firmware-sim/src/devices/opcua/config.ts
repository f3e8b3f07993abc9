import { RhnError } from '@rhn/protocols'
import { MessageSecurityMode, SecurityPolicy } from 'node-opcua'
import type { Logger } from 'pino'
import type { Clock } from '../../clock.js'
import type { SimComponent } from '../../hospital/component.js'
import type { Endpoint } from '../types.js'

/** OPC UA MessageSecurityMode names a scenario may offer (Part 4 §7.20). */
export type OpcuaSecurityMode = 'None' | 'Sign' | 'SignAndEncrypt'
/** Security policies a scenario may offer (Part 7 profiles; Basic256Sha256 is the one RHN ships). */
export type OpcuaSecurityPolicy = 'None' | 'Basic256Sha256'

/** What the server offers and where its certificates live. */
export interface OpcuaSecurityInit {
  /** Message security modes to offer; `None` needs policy `None`, `Sign`/`SignAndEncrypt` need `Basic256Sha256`. */
  modes: readonly OpcuaSecurityMode[]
  policies: readonly OpcuaSecurityPolicy[]
  /**
   * The server's PKI folder (own/, trusted/, rejected/, issuers/). Created when missing; the server
   * certificate `own/certs/<hospitalId>.pem` is self-signed on first start and reused afterwards.
   */
  pkiDir: string
  /** When set, clients must log in with this user name and {@link password}; anonymous is refused. */
  username?: string
  password?: string
}

/** What {@link OpcuaVentilatorServer} needs (house rule 4: clock and logger come in from outside). */
export interface OpcuaVentilatorServerInit {
  /** Where to listen; `host` must be a loopback address, `port` a fixed port (see README). */
  endpoint: Endpoint
  /** One ventilator object per component; each must be a `ventilator` bound over `opcua`. */
  components: readonly SimComponent[]
  security: OpcuaSecurityInit
  clock: Clock
  logger?: Logger
}

/** Error codes of the OPC UA ventilator server (RHN_SIM_OPCUA_…). */
export type OpcuaSimErrorCode =
  /** The init object is inconsistent; the message names the key. */
  | 'RHN_SIM_OPCUA_CONFIG_INVALID'
  /** The ventilator namespace did not get index 1, so node ids would not match the layout. */
  | 'RHN_SIM_OPCUA_NAMESPACE_INDEX'
  /** start()/setNetwork() called after stop(). */
  | 'RHN_SIM_OPCUA_STOPPED'

/** An error raised by the OPC UA ventilator server. */
export class OpcuaSimError extends RhnError {
  declare readonly code: OpcuaSimErrorCode

  constructor(code: OpcuaSimErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options)
  }
}

const MODE: Readonly<Record<OpcuaSecurityMode, MessageSecurityMode>> = {
  None: MessageSecurityMode.None,
  Sign: MessageSecurityMode.Sign,
  SignAndEncrypt: MessageSecurityMode.SignAndEncrypt,
}
const POLICY: Readonly<Record<OpcuaSecurityPolicy, SecurityPolicy>> = {
  None: SecurityPolicy.None,
  Basic256Sha256: SecurityPolicy.Basic256Sha256,
}

/** The node-opcua endpoint security lists for a validated init. */
export function securityOptions(security: OpcuaSecurityInit): { securityModes: MessageSecurityMode[]; securityPolicies: SecurityPolicy[] } {
  return { securityModes: security.modes.map((m) => MODE[m]), securityPolicies: security.policies.map((p) => POLICY[p]) }
}

/** Validates the init once, with no I/O; every error names the key. */
export function validateInit(init: OpcuaVentilatorServerInit): void {
  const fail = (key: string, message: string): never => {
    throw new OpcuaSimError('RHN_SIM_OPCUA_CONFIG_INVALID', `${key}: ${message}`)
  }
  const { endpoint, security, components } = init
  if (!Number.isInteger(endpoint.port) || endpoint.port <= 0 || endpoint.port > 65535) fail('endpoint.port', `must be a TCP port 1..65535, got ${endpoint.port}`)
  if (endpoint.host === '') fail('endpoint.host', 'must not be empty')
  if (security.modes.length === 0) fail('security.modes', 'must offer at least one mode')
  for (const m of security.modes) if (!(m in MODE)) fail('security.modes', `unknown mode "${m}"`)
  for (const p of security.policies) if (!(p in POLICY)) fail('security.policies', `unknown policy "${p}"`)
  if (security.modes.includes('None') && !security.policies.includes('None')) fail('security.policies', 'mode None requires policy None')
  if (security.modes.some((m) => m !== 'None') && !security.policies.includes('Basic256Sha256')) fail('security.policies', 'modes Sign/SignAndEncrypt require policy Basic256Sha256')
  if (security.pkiDir === '') fail('security.pkiDir', 'must name a folder')
  if ((security.username === undefined) !== (security.password === undefined)) fail('security.password', 'username and password go together')
  const seen = new Set<string>()
  components.forEach((c, i) => {
    if (c.kind !== 'ventilator') fail(`components[${i}]`, `${c.id} is a ${c.kind}, not a ventilator`)
    if (c.binding.protocol !== 'opcua') fail(`components[${i}].binding.protocol`, `${c.id} is bound over ${c.binding.protocol}, not opcua`)
    if (c.hospitalId !== endpoint.hospitalId) fail(`components[${i}].hospitalId`, `${c.id} belongs to ${c.hospitalId}, not ${endpoint.hospitalId}`)
    if (seen.has(c.binding.device)) fail(`components[${i}].binding.device`, `duplicate device id ${c.binding.device}`)
    seen.add(c.binding.device)
  })
}
