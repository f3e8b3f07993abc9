// Helpers shared by the OPC UA ventilator tests: components, a free loopback port, an independent client.
import { createServer } from 'node:net'
import { join } from 'node:path'
import { VENTILATOR_OPCUA_VARIABLES, type Component } from '@rhn/protocols'
import { MessageSecurityMode, OPCUACertificateManager, OPCUAClient, SecurityPolicy } from 'node-opcua'
import type { Clock } from '../src/clock.js'
import { SimComponent } from '../src/hospital/component.js'
import type { Endpoint } from '../src/devices/types.js'

export const HOSPITAL = 'TST'

/** A port free right now on 127.0.0.1 (node-opcua advertises the port in its endpoint URLs, so 0 will not do). */
export { freePort } from '../src/ports.js'

/** True when something can bind `port` again (nothing left listening on it). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

/** A ventilator SimComponent of hospital {@link HOSPITAL}, bound over OPC UA. */
export function ventilator(id: string, clock: Clock): SimComponent {
  const component: Component = {
    id,
    name: id,
    kind: 'ventilator',
    binding: { gateway: 'gw-tst', device: id, protocol: 'opcua' },
    capacity: { beds: 0, ventilators: 1, ventilatorCapable: false, isolation: false, ppe: [] },
    attributes: [],
    expectedIntervalS: 5,
    hospitalId: HOSPITAL,
    unitId: 'tst-icu',
    sectionId: 'tst-icu-bay-a',
  }
  return new SimComponent(component, clock)
}

/** Gives every layout metric a distinct value: Doubles inside their EURange, Booleans false, Strings named. */
export function fill(c: SimComponent): void {
  VENTILATOR_OPCUA_VARIABLES.forEach((v, i) => {
    if (v.dataType === 'Double') c.set(v.metric, (v.euRange?.low ?? 0) + 1 + i / 4)
    else if (v.dataType === 'Boolean') c.set(v.metric, false)
    else c.set(v.metric, `${c.id}:${v.browseName}`)
  })
}

export function endpointFor(port: number, components: readonly SimComponent[]): Endpoint {
  return {
    id: `${HOSPITAL}/opcua`,
    hospitalId: HOSPITAL,
    protocol: 'opcua',
    kind: 'OPC UA ventilator server',
    address: `opc.tcp://127.0.0.1:${port}/rhn/${HOSPITAL}`,
    host: '127.0.0.1',
    port,
    components: components.map((c) => ({ id: c.id })),
  }
}

/**
 * An independent OPC UA client with its own PKI under `dir`. It trusts the server certificate on
 * first sight (`automaticallyAcceptUnknownCertificate`): a test convenience only.
 */
export function client(dir: string, mode: 'None' | 'Sign' | 'SignAndEncrypt' = 'None', options: { maxRetry?: number } = {}): OPCUAClient {
  const clientCertificateManager = new OPCUACertificateManager({ rootFolder: join(dir, 'client-pki'), automaticallyAcceptUnknownCertificate: true, disableFileWatchers: true })
  return OPCUAClient.create({
    applicationName: 'rhn-opcua-test-client',
    applicationUri: 'urn:rhn:test:opcua-client',
    endpointMustExist: false,
    securityMode: MessageSecurityMode[mode],
    securityPolicy: mode === 'None' ? SecurityPolicy.None : SecurityPolicy.Basic256Sha256,
    clientCertificateManager,
    // Tests want failures now, not after node-opcua's default minutes of retries.
    connectionStrategy: { maxRetry: options.maxRetry ?? 0, initialDelay: 100, maxDelay: 500 },
    requestedSessionTimeout: 20_000,
  })
}
