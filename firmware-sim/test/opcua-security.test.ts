// Security of the OPC UA ventilator server: Basic256Sha256 Sign/SignAndEncrypt, user/password, PKI, clean stop.
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ventilatorNodeId } from '@rhn/protocols'
import { AttributeIds, MessageSecurityMode, UserTokenType, type OPCUAClient, type UserIdentityInfo } from 'node-opcua'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../src/clock.js'
import { OpcuaVentilatorServer, type OpcuaVentilatorServerInit } from '../src/devices/opcua/index.js'
import type { SimComponent } from '../src/hospital/component.js'
import { client, endpointFor, fill, freePort, portIsFree, ventilator } from './opcua-support.js'

const USER = { type: UserTokenType.UserName, userName: 'icu-nurse', password: 'breathe-easy' } as const
/** Handle kinds a server leaves behind when it does not clean up: listeners, sockets, timers. */
const WATCHED = ['TCPServerWrap', 'TCPSocketWrap', 'TCPWRAP', 'Timeout', 'Immediate']

let dir: string
let clock: ManualClock
let vent: SimComponent
let server: OpcuaVentilatorServer
let port: number
let baseline: string[]

/** Open sockets, listeners and timers of this process. */
const resources = (): string[] => process.getActiveResourcesInfo().filter((r) => WATCHED.includes(r))
/** Resources open now beyond those open before the server started. */
const leftovers = (): string[] => {
  const rest = [...baseline]
  return resources().filter((r) => {
    const i = rest.indexOf(r)
    if (i < 0) return true
    rest.splice(i, 1)
    return false
  })
}
/** Polls `ok` every 100 ms for up to 3 s (plain timers, so the poll itself is not counted while checking). */
async function settled(ok: () => boolean): Promise<boolean> {
  for (let waited = 0; waited < 3_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    if (ok()) return true
  }
  return ok()
}

function init(overrides: Partial<OpcuaVentilatorServerInit['security']> = {}): OpcuaVentilatorServerInit {
  return {
    endpoint: endpointFor(port, [vent]),
    components: [vent],
    security: { modes: ['None', 'Sign', 'SignAndEncrypt'], policies: ['None', 'Basic256Sha256'], pkiDir: join(dir, 'server-pki'), username: USER.userName, password: USER.password, ...overrides },
    clock,
  }
}

/** Connects, logs in, reads the serial number, and closes; returns what was read. */
async function readSerial(c: OPCUAClient, user: UserIdentityInfo): Promise<unknown> {
  await c.connect(server.endpointUrl)
  try {
    const session = await c.createSession(user)
    try {
      const dv = await session.read({ nodeId: ventilatorNodeId(vent.id, 'Identity.SerialNumber'), attributeId: AttributeIds.Value })
      return dv.value.value
    } finally {
      await session.close()
    }
  } finally {
    await c.disconnect()
  }
}

beforeAll(async () => {
  baseline = resources()
  dir = await mkdtemp(join(tmpdir(), 'rhn-opcua-sec-'))
  clock = new ManualClock(Date.UTC(2024, 0, 15, 8, 0, 0))
  vent = ventilator('tst-icu-vent-09', clock)
  fill(vent)
  port = await freePort()
  server = new OpcuaVentilatorServer(init())
  await server.start()
})

afterAll(async () => {
  await server?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

describe('configuration', () => {
  it('rejects inconsistent security settings before any I/O, naming the key', () => {
    expect(() => new OpcuaVentilatorServer(init({ modes: ['Sign'], policies: ['None'] }))).toThrow(/security\.policies/)
    expect(() => new OpcuaVentilatorServer(init({ modes: ['None'], policies: ['Basic256Sha256'] }))).toThrow(expect.objectContaining({ code: 'RHN_SIM_OPCUA_CONFIG_INVALID' }))
    expect(() => new OpcuaVentilatorServer(init({ password: undefined }))).toThrow(/security\.password/)
  })

  it('creates its certificate in the configured PKI folder', () => {
    expect(server.certificateFile.startsWith(join(dir, 'server-pki'))).toBe(true)
    expect(existsSync(server.certificateFile)).toBe(true)
  })
})

describe('secure channels and users', () => {
  it('serves Basic256Sha256 Sign', async () => {
    const c = client(dir, 'Sign')
    expect(await readSerial(c, USER)).toBe(vent.get('Identity/SerialNumber'))
    expect(c.securityMode).toBe(MessageSecurityMode.Sign)
  })

  it('serves Basic256Sha256 SignAndEncrypt', async () => {
    const c = client(dir, 'SignAndEncrypt')
    expect(await readSerial(c, USER)).toBe(vent.get('Identity/SerialNumber'))
    expect(c.securityMode).toBe(MessageSecurityMode.SignAndEncrypt)
  })

  it('accepts the right password on a None channel', async () => {
    expect(await readSerial(client(dir), USER)).toBe(vent.get('Identity/SerialNumber'))
  })

  it('rejects a wrong password and anonymous access when a user is configured', async () => {
    await expect(readSerial(client(dir, 'SignAndEncrypt'), { ...USER, password: 'wrong' })).rejects.toThrow(/BadUserAccessDenied|BadIdentityTokenRejected|BadIdentityTokenInvalid/)
    await expect(readSerial(client(dir), { type: UserTokenType.Anonymous })).rejects.toThrow()
  })
})

describe('stop', () => {
  it('closes every socket and timer it opened, is idempotent, and cannot be restarted', async () => {
    const c = client(dir)
    await c.connect(server.endpointUrl)
    await c.createSession(USER)
    expect(leftovers()).toContain('TCPSocketWrap')
    await Promise.all([server.stop(), server.stop()])
    await server.stop()
    await c.disconnect()
    expect(await portIsFree(port)).toBe(true)
    // Closed handles leave the list on a later turn of the event loop: allow a few.
    expect(await settled(() => leftovers().length === 0)).toEqual(true)
    await expect(server.start()).rejects.toMatchObject({ code: 'RHN_SIM_OPCUA_STOPPED' })
    await expect(server.setNetwork('up')).rejects.toMatchObject({ code: 'RHN_SIM_OPCUA_STOPPED' })
  })
})
