// The whole simulator for one hospital, read by independent clients of each protocol: values on the
// wire equal the hospital model's truth, a scheduled fault shows as the real fault would, and stop()
// closes every socket.
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AttributeIds, type OPCUAClient } from 'node-opcua'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BED_MODBUS_MAP, decodeRegisters, parseRegistry, parseScenario, ventilatorNodeId } from '@rhn/protocols'
import { ManualClock } from '../src/clock.js'
import { Simulation } from '../src/simulation.js'
import { TestListener, waitFor } from './hl7-support.js'
import { closeClient, modbusClient } from './modbus-support.js'
import { client as opcuaClient, portIsFree } from './opcua-support.js'
import { refused } from './llrp-rig.js'

const examples = new URL('../../protocols/examples/', import.meta.url)
const registry = parseRegistry(readFileSync(new URL('region-north.yaml', examples), 'utf8'))
const HOUR = 3_600_000

/** Polls `probe` until it gives `want` (or 5 s pass) and returns the last answer. */
async function eventually<T>(probe: () => Promise<T>, want: T): Promise<T> {
  let last = await probe()
  for (let i = 0; i < 100 && last !== want; i++) {
    await new Promise((r) => setTimeout(r, 50))
    last = await probe()
  }
  return last
}

describe('a simulated hospital (RXC, winter-surge)', () => {
  let sim: Simulation
  let clock: ManualClock
  let adt: TestListener
  const dir = mkdtempSync(join(tmpdir(), 'rhn-sim-'))

  beforeAll(async () => {
    adt = await TestListener.start()
    const scenario = parseScenario(`
name: rxc-test
registry: ./region-north.yaml
hospitals: [RXC]
seed: 7
hl7: { targets: { RXC: { host: 127.0.0.1, port: ${adt.port} } } }
opcua: { securityModes: [None], securityPolicies: [None] }
faults:
  - { type: network-drop, hospital: RXC, atHours: 1, durationS: 600, mode: refuse }
  - { type: device-power-off, device: rxc-hdu-main-vent-02, atHours: 2, durationS: 600 }
`)
    clock = new ManualClock(Date.parse(scenario.startTime))
    sim = new Simulation({ registry, scenario, clock, basePort: 0, dataDir: dir })
    await sim.start()
  }, 60_000)

  afterAll(async () => {
    await sim?.stop()
    await adt?.stop()
  })

  const endpoint = (id: string) => sim.endpoints().find((e) => e.id === id)!

  it('listens on a real port for every endpoint', () => {
    const listening = sim.endpoints().filter((e) => e.protocol !== 'hl7-mllp')
    expect(listening.length).toBeGreaterThan(10)
    expect(listening.every((e) => e.port > 0)).toBe(true)
  })

  it('serves the occupancy of the model over Modbus TCP, bed by bed', async () => {
    const beds = endpoint('rxc-icu-bay-a/beds')
    const occupied = BED_MODBUS_MAP.entries.find((e) => e.metric === 'Bed/Occupied')!
    let count = 0
    for (const { id, unitId } of beds.components) {
      const client = await modbusClient(beds.port, unitId)
      const bits = await client.readDiscreteInputs(occupied.address, 1)
      await closeClient(client)
      const onWire = decodeRegisters(occupied, [bits.data[0] ? 1 : 0])
      expect(onWire, id).toBe(sim.components.get(id)!.get('Bed/Occupied'))
      if (onWire === true) count++
    }
    const icu = sim.snapshots()[0]!.units.find((u) => u.unitId === 'rxc-icu')!
    expect(count).toBe(icu.beds.occupied)
  })

  it('serves ventilators over OPC UA with the model values', async () => {
    const c: OPCUAClient = opcuaClient(dir)
    await c.connect(endpoint('RXC/opcua').address)
    const session = await c.createSession()
    const vent = 'rxc-icu-bay-a-vent-01'
    const [mode, rr] = await session.read([
      { nodeId: ventilatorNodeId(vent, 'Status.OperatingMode'), attributeId: AttributeIds.Value },
      { nodeId: ventilatorNodeId(vent, 'Settings.RespiratoryRate'), attributeId: AttributeIds.Value },
    ])
    await session.close()
    await c.disconnect()
    expect(mode!.value.value).toBe(sim.components.get(vent)!.get('Status/OperatingMode'))
    expect(rr!.value.value).toBeCloseTo(Number(sim.components.get(vent)!.get('Settings/RespiratoryRate')), 3)
  })

  it('sends the census as ADT A01s over MLLP, one per patient in a bed at the start', async () => {
    const inBeds = sim.snapshots()[0]!.units.reduce((n, u) => n + u.beds.occupied, 0)
    await waitFor(() => adt.frames.length >= inBeds, `${inBeds} ADT messages`, 20_000)
    const types = adt.frames.map((f) => f.message?.header.getField(9).getComponent(2))
    expect(types.slice(0, inBeds).every((t) => t === 'A01')).toBe(true)
  })

  it('refuses connections during the scheduled hospital network drop, and answers again after it', async () => {
    const beds = endpoint('rxc-icu-bay-a/beds')
    clock.advance(1 * HOUR + 1_000)
    // Servers change state asynchronously after the fault fires: poll what a client sees.
    expect(await eventually(() => refused(beds.port), 'ECONNREFUSED')).toBe('ECONNREFUSED')
    expect(await eventually(() => refused(endpoint('rxc-icu-bay-a-ppe-1').port), 'ECONNREFUSED')).toBe('ECONNREFUSED')
    clock.advance(600_000)
    expect(await eventually(() => refused(beds.port), 'connected')).toBe('connected')
  })

  it('powers a ventilator off: its Modbus converter answers 0x0B for it while the others answer', async () => {
    clock.advance(2 * HOUR + 60_000 - clock.elapsedMs()) // one minute into the 10-minute power-off
    const converter = endpoint('rxc-hdu-main/ventilators')
    const off = converter.components.find((c) => c.id === 'rxc-hdu-main-vent-02')!
    const on = converter.components.find((c) => c.id === 'rxc-hdu-main-vent-01')!
    const a = await modbusClient(converter.port, off.unitId)
    await expect(a.readInputRegisters(0, 1)).rejects.toMatchObject({ modbusCode: 0x0b })
    await closeClient(a)
    const b = await modbusClient(converter.port, on.unitId)
    await expect(b.readInputRegisters(0, 1)).resolves.toBeDefined()
    await closeClient(b)
    clock.advance(600_000)
    const c = await modbusClient(converter.port, off.unitId)
    await expect(c.readInputRegisters(0, 1)).resolves.toBeDefined()
    await closeClient(c)
  })

  it('closes every listening port on stop()', async () => {
    const ports = sim.endpoints().filter((e) => e.protocol !== 'hl7-mllp').map((e) => e.port)
    await sim.stop()
    for (const port of ports) expect(await portIsFree(port), String(port)).toBe(true)
  })
})
