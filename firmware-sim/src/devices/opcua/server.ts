import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { timingSafeEqual } from 'node:crypto'
import { VENTILATOR_NAMESPACE_INDEX, VENTILATOR_NAMESPACE_URI } from '@rhn/protocols'
import { OPCUACertificateManager, OPCUAServer } from 'node-opcua'
import type { Logger } from 'pino'
import type { Endpoint, NetworkState, SimServer } from '../types.js'
import { OpcuaSimError, securityOptions, validateInit, type OpcuaVentilatorServerInit } from './config.js'
import { VentilatorNode } from './ventilator-node.js'

/**
 * Connections one endpoint accepts at once. node-opcua's default is 10; an edge agent holds one or
 * two, and a test or operator tool a few more. 50 leaves room without letting a runaway client loop
 * exhaust the process.
 */
const MAX_CONNECTIONS = 50
/** Sessions at once, for the same reason (node-opcua's default is 10). */
const MAX_SESSIONS = 50
/** How long node-opcua tells clients the server is shutting down before it closes, ms: the simulator stops at once. */
const SHUTDOWN_DELAY_MS = 0

/**
 * The OPC UA server of one hospital's ventilators: one node-opcua server (they are heavy: ~20 MB and
 * a full standard address space each) with one object per ventilator, laid out per `@rhn/protocols`'
 * OPC UA layout in namespace `urn:rhn:ventilator` (index 1), on `opc.tcp://<host>:<port>/rhn/<hospitalId>`.
 *
 * Faults: a device that does not answer shows Bad_NoCommunication on its variables; `setNetwork`
 * resets every connection (`reset`) or also closes the port (`refuse`) until `up`.
 */
export class OpcuaVentilatorServer implements SimServer {
  readonly endpoint: Endpoint
  private readonly init: OpcuaVentilatorServerInit
  private readonly log: Logger | undefined
  private server: OPCUAServer | undefined
  private nodes: VentilatorNode[] = []
  private listening = false
  private starting: Promise<void> | undefined
  private stopping: Promise<void> | undefined
  /** Serialises setNetwork calls: each waits for the previous transition to finish. */
  private networkChange: Promise<void> = Promise.resolve()

  constructor(init: OpcuaVentilatorServerInit) {
    validateInit(init)
    this.init = init
    this.endpoint = init.endpoint
    this.log = init.logger?.child({ server: init.endpoint.id })
  }

  /** The resource path of the endpoint URL, `/rhn/<hospitalId>`. */
  get resourcePath(): string {
    return `/rhn/${this.endpoint.hospitalId}`
  }

  /** The URL clients connect to. */
  get endpointUrl(): string {
    return `opc.tcp://${this.endpoint.host}:${this.endpoint.port}${this.resourcePath}`
  }

  /** The PEM file of the server certificate (created on first start), for clients that want to trust it. */
  get certificateFile(): string {
    return join(this.init.security.pkiDir, 'own', 'certs', `${this.endpoint.hospitalId}.pem`)
  }

  start(): Promise<void> {
    if (this.stopping !== undefined) return Promise.reject(new OpcuaSimError('RHN_SIM_OPCUA_STOPPED', `${this.endpoint.id}: start() after stop()`))
    this.starting ??= this.doStart()
    return this.starting
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop()
    return this.stopping
  }

  setNetwork(state: NetworkState): Promise<void> {
    if (this.stopping !== undefined) return Promise.reject(new OpcuaSimError('RHN_SIM_OPCUA_STOPPED', `${this.endpoint.id}: setNetwork() after stop()`))
    const next = this.networkChange.then(() => this.applyNetwork(state))
    this.networkChange = next.catch(() => {})
    return next
  }

  private async doStart(): Promise<void> {
    const { security, endpoint } = this.init
    await mkdir(security.pkiDir, { recursive: true })
    // Simulator convenience: any client certificate is trusted on first sight (it lands in trusted/),
    // so agents and tests need no provisioning step. A real ventilator gateway must not do this.
    const serverCertificateManager = new OPCUACertificateManager({ rootFolder: security.pkiDir, automaticallyAcceptUnknownCertificate: true, disableFileWatchers: true })
    // X509 user identity tokens are offered by node-opcua whatever we ask; their store trusts nothing
    // automatically, so a user certificate cannot stand in for the configured password.
    const userCertificateManager = new OPCUACertificateManager({ rootFolder: join(security.pkiDir, 'user'), automaticallyAcceptUnknownCertificate: false, disableFileWatchers: true })
    const { username, password } = security
    const server = new OPCUAServer({
      port: endpoint.port,
      host: endpoint.host,
      hostname: endpoint.host,
      resourcePath: this.resourcePath,
      ...securityOptions(security),
      allowAnonymous: username === undefined,
      ...(username === undefined || password === undefined ? {} : { userManager: { isValidUser: (u: string, p: string) => same(u, username) && same(p, password) } }),
      serverCertificateManager,
      userCertificateManager,
      certificateFile: this.certificateFile,
      serverInfo: { applicationUri: `urn:rhn:firmware-sim:${endpoint.hospitalId}`, productUri: 'urn:rhn:firmware-sim', applicationName: { text: `RHN ventilator gateway ${endpoint.hospitalId}` } },
      buildInfo: { productName: 'rhn-sim OPC UA ventilator gateway', manufacturerName: 'RHN firmware-sim' },
      // The ventilator namespace must be index 1 (the layout's node ids say ns=1), so node-opcua's own
      // application namespace, normally index 1, is not created.
      skipOwnNamespace: true,
      maxConnectionsPerEndpoint: MAX_CONNECTIONS,
      serverCapabilities: { maxSessions: MAX_SESSIONS },
    })
    this.server = server
    await server.initialize()
    const addressSpace = server.engine.addressSpace
    if (addressSpace === null) throw new OpcuaSimError('RHN_SIM_OPCUA_NAMESPACE_INDEX', `${endpoint.id}: node-opcua built no address space`)
    const namespace = addressSpace.registerNamespace(VENTILATOR_NAMESPACE_URI)
    if (namespace.index !== VENTILATOR_NAMESPACE_INDEX) {
      throw new OpcuaSimError('RHN_SIM_OPCUA_NAMESPACE_INDEX', `${endpoint.id}: ${VENTILATOR_NAMESPACE_URI} got index ${namespace.index}, the layout needs ${VENTILATOR_NAMESPACE_INDEX}`)
    }
    const objects = addressSpace.rootFolder.objects
    this.nodes = this.init.components.map((c) => new VentilatorNode(namespace, objects, c, this.init.clock))
    await server.start()
    this.listening = true
    this.log?.info({ url: this.endpointUrl, ventilators: this.nodes.length, modes: security.modes }, 'opcua server listening')
  }

  private async doStop(): Promise<void> {
    await this.starting?.catch(() => {})
    await this.networkChange
    for (const node of this.nodes) node.dispose()
    this.nodes = []
    const server = this.server
    this.server = undefined
    if (server === undefined) return
    // Drop the connections first: node-opcua otherwise waits for each client to close its channel.
    for (const ep of server.endpoints) ep.abruptlyInterruptChannels()
    await server.shutdown(SHUTDOWN_DELAY_MS)
    this.listening = false
    this.log?.info({ url: this.endpointUrl }, 'opcua server stopped')
  }

  private async applyNetwork(state: NetworkState): Promise<void> {
    const server = this.server
    if (server === undefined || this.starting === undefined) throw new OpcuaSimError('RHN_SIM_OPCUA_STOPPED', `${this.endpoint.id}: setNetwork() before start()`)
    await this.starting
    if (state !== 'up') {
      // Clients see the TCP connection die (ECONNRESET / end of stream), as when a switch port flaps;
      // their sessions survive on the server until they time out, so a client may reactivate them.
      for (const ep of server.endpoints) ep.abruptlyInterruptChannels()
    }
    if (state === 'refuse' && this.listening) {
      // Closes the listening socket: new connects get ECONNREFUSED until `up`.
      await callback((cb) => server.suspendEndPoints(cb))
      this.listening = false
    } else if (state !== 'refuse' && !this.listening) {
      // Listens again on the same port; the endpoints keep the same certificate.
      await callback((cb) => server.resumeEndPoints(cb))
      this.listening = true
    }
    this.log?.info({ network: state }, 'opcua network state')
  }
}

/** Runs a node-style callback API as a promise. */
function callback(fn: (cb: (err?: Error | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve())))
}

/** Compares two secrets in constant time (a simulator, but credentials are credentials). */
function same(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
