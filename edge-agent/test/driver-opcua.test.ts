// The opcua driver against the firmware-sim OPC UA ventilator server on loopback: subscription values
// with source timestamps, one session for both ventilators, power-off, server restart, deadband, discover.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEdgeConfig, VENTILATOR_OPCUA_VARIABLES, ventilatorNodeId, type OpcuaDeviceConfig } from '@rhn/protocols'
import { freePort, ManualClock, type OpcuaVentilatorServer, type SimComponent } from '@rhn/firmware-sim'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createOpcuaDriver, discoverOpcua } from '../src/drivers/opcua/index.js'
import type { Driver } from '../src/drivers/types.js'
import { deviceConfig, fill, leftovers, openHandles, opcuaServer, recorder, simComponent, type Recorder } from './drivers-support.js'

const A = 'tst-icu-vent-01'
const B = 'tst-icu-vent-02'
const WAIT = { timeout: 15_000, interval: 25 }

let baseline: string[]
let dir: string
let port: number
let clock: ManualClock
let vents: SimComponent[]
let server: OpcuaVentilatorServer
let rec: Recorder
let driver: Driver

function entry(id: string, extra: Record<string, unknown> = {}): OpcuaDeviceConfig {
  return deviceConfig<OpcuaDeviceConfig>({
    id, driver: 'opcua', endpointUrl: server.endpointUrl, securityMode: 'None', securityPolicy: 'None', pkiDir: 'pki',
    samplingIntervalMs: 0, publishingIntervalMs: 50, reconnect: { minMs: 100, maxMs: 400 }, layout: 'ventilator', ...extra,
  })
}

beforeAll(async () => {
  baseline = openHandles()
  dir = await mkdtemp(join(tmpdir(), 'rhn-drv-opcua-'))
  clock = new ManualClock(Date.UTC(2025, 0, 13, 6))
  vents = [A, B].map((id) => simComponent(id, 'ventilator', 'opcua', clock))
  vents.forEach(fill)
  port = await freePort()
  server = opcuaServer(port, vents, clock, join(dir, 'server-pki'))
  await server.start()
  rec = recorder()
  driver = createOpcuaDriver([entry(A), entry(B)], rec, dir)
  await driver.start()
})

afterAll(async () => {
  await driver?.stop()
  await server?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  expect(await leftovers(baseline)).toEqual([])
})

describe('example.yaml', () => {
  it('parses with parseEdgeConfig; devices carry the layout metrics; entries on one endpoint share a session key', async () => {
    const text = await readFile(new URL('../src/drivers/opcua/example.yaml', import.meta.url), 'utf8')
    const configs = parseEdgeConfig(text).devices.filter((d): d is OpcuaDeviceConfig => d.driver === 'opcua')
    const d = createOpcuaDriver(configs, recorder(), '.')
    expect(d.devices().map((x) => x.id)).toEqual(['rxa-icu-bay-a-vent-01', 'rxa-icu-bay-a-vent-02', 'rxa-icu-bay-b-vent-01'])
    expect(d.devices()[0]!.metrics.map((m) => m.name)).toEqual(VENTILATOR_OPCUA_VARIABLES.map((v) => v.metric))
    expect(d.devices()[2]!.metrics.find((m) => m.name === 'Ventilation/PEEP')).toMatchObject({ datatype: 'Float', unit: 'cm[H2O]' })
    expect((d as unknown as { endpoints: unknown[] }).endpoints).toHaveLength(2)
    await d.stop()
  })
})

describe('two ventilators on one server', () => {
  it('delivers every layout metric of both through one subscription, with the source timestamps', async () => {
    for (const v of vents) {
      await vi.waitFor(() => expect(VENTILATOR_OPCUA_VARIABLES.filter((x) => rec.latest(v.id, x.metric) === undefined).map((x) => x.metric)).toEqual([]), WAIT)
      for (const x of VENTILATOR_OPCUA_VARIABLES) {
        const r = rec.latest(v.id, x.metric)!
        expect(r.value, `${v.id} ${x.metric}`).toEqual(v.get(x.metric))
        expect(r.timestamp, `${v.id} ${x.metric}`).toBe(v.read(x.metric)!.sourceTime)
      }
    }
    const built = rec.logs.filter((l) => l.msg === 'opcua session built')
    expect(built).toHaveLength(1)
    expect(built[0]).toMatchObject({ devices: [A, B], mode: 'subscription', items: 2 * VENTILATOR_OPCUA_VARIABLES.length })
    expect(rec.states.filter((s) => s.online).map((s) => s.device).sort()).toEqual([A, B])
  })

  it('a change on the device arrives as a reading with its source time', async () => {
    clock.advance(2_000)
    vents[1]!.set('Ventilation/PEEP', 7.5)
    await vi.waitFor(() => expect(rec.latest(B, 'Ventilation/PEEP')).toMatchObject({ value: 7.5, timestamp: clock.now() }), WAIT)
  })

  it('a ventilator powered off behind the server goes offline with BadNoCommunication, and comes back', async () => {
    vents[0]!.setPowered(false)
    await vi.waitFor(() => expect(rec.stateOf(A)).toMatchObject({ online: false, error: expect.stringContaining('BadNoCommunication') }), WAIT)
    expect(rec.errors).toContainEqual({ device: A, kind: 'bad-status' })
    expect(rec.stateOf(B)?.online).toBe(true)
    vents[0]!.setPowered(true)
    await vi.waitFor(() => expect(rec.stateOf(A)?.online).toBe(true), WAIT)
    clock.advance(1_000)
    vents[0]!.set('Ventilation/FiO2', 55)
    await vi.waitFor(() => expect(rec.latest(A, 'Ventilation/FiO2')?.value).toBe(55), WAIT)
  })

  it('after a server restart (a new server on the same port) the session and items are rebuilt and values flow', async () => {
    await server.stop()
    await vi.waitFor(() => expect([rec.stateOf(A)?.online, rec.stateOf(B)?.online]).toEqual([false, false]), WAIT)
    expect(rec.stateOf(A)?.error).toMatch(/session lost|connect failed/)
    server = opcuaServer(port, vents, clock, join(dir, 'server-pki'))
    await server.start()
    await vi.waitFor(() => expect([rec.stateOf(A)?.online, rec.stateOf(B)?.online]).toEqual([true, true]), WAIT)
    clock.advance(1_000)
    vents[0]!.set('Ventilation/TidalVolume', 512)
    vents[1]!.set('Ventilation/TidalVolume', 498)
    await vi.waitFor(() => {
      expect(rec.latest(A, 'Ventilation/TidalVolume')?.value).toBe(512)
      expect(rec.latest(B, 'Ventilation/TidalVolume')?.value).toBe(498)
    }, WAIT)
    const built = rec.logs.filter((l) => l.msg === 'opcua session built')
    expect(built.length).toBeGreaterThanOrEqual(2)
    expect(built.at(-1)).toMatchObject({ items: 2 * VENTILATOR_OPCUA_VARIABLES.length, mode: 'subscription' })
  })
})

describe('server-side deadband', () => {
  it('is asked for on every item; items the server refuses it for are created without', async () => {
    const r = recorder()
    const d = createOpcuaDriver([entry(A, { deadband: { type: 'percent', value: 5 } })], r, dir)
    try {
      await d.start()
      await vi.waitFor(() => expect(r.logs.find((l) => l.msg === 'opcua session built')).toBeDefined(), WAIT)
      const built = r.logs.find((l) => l.msg === 'opcua session built')!
      expect(built.items).toBe(VENTILATOR_OPCUA_VARIABLES.length)
      const analog = VENTILATOR_OPCUA_VARIABLES.filter((v) => v.euRange !== undefined).length
      expect(built.deadbandItems).toBe(analog)
      await vi.waitFor(() => expect(r.latest(A, 'Identity/Manufacturer')).toBeDefined(), WAIT)
      expect(r.errors).toEqual([])
    } finally {
      await d.stop()
    }
  })
})

describe('discover', () => {
  it('prints every layout variable as a nodes: snippet with datatype and unit, and says layout: ventilator fits', async () => {
    const text = await discoverOpcua(server.endpointUrl, { pkiDir: join(dir, 'discover-pki') })
    expect(text).toContain('nodes:')
    expect(text).toContain(`${A} follows the RHN ventilator layout`)
    for (const v of VENTILATOR_OPCUA_VARIABLES) {
      expect(text).toContain(`nodeId: "${ventilatorNodeId(B, v.path)}", metric: ${v.metric} }  # ${v.dataType}`)
    }
    expect(text).toContain(`"${ventilatorNodeId(A, 'Measurements.PEEP')}", metric: Ventilation/PEEP }  # Double, cm H₂O`)
  })
})
