// The OPC UA ventilator server as an independent node-opcua client sees it: layout, values, writes, faults.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { VENTILATOR_FOLDERS, VENTILATOR_NAMESPACE_URI, VENTILATOR_OPCUA_VARIABLES, ventilatorNodeId, type OpcUaVariable } from '@rhn/protocols'
import {
  AttributeIds,
  BrowseDirection,
  ClientMonitoredItem,
  DataType,
  NodeClass,
  StatusCodes,
  TimestampsToReturn,
  type ClientSession,
  type DataValue,
  type OPCUAClient,
  type ReferenceDescription,
} from 'node-opcua'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ManualClock } from '../src/clock.js'
import { OpcuaVentilatorServer } from '../src/devices/opcua/index.js'
import type { SimComponent } from '../src/hospital/component.js'
import { client, endpointFor, fill, freePort, portIsFree, ventilator } from './opcua-support.js'

const START = Date.UTC(2024, 0, 15, 8, 0, 0)
const A = 'tst-icu-vent-01'
const B = 'tst-icu-vent-02'
const HAS_PROPERTY = 'ns=0;i=46'
const DATA_TYPE_ID: Record<OpcUaVariable['dataType'], string> = { Boolean: 'ns=0;i=1', Double: 'ns=0;i=11', String: 'ns=0;i=12' }

let dir: string
let clock: ManualClock
let a: SimComponent
let b: SimComponent
let server: OpcuaVentilatorServer

const id = (device: string, path: string): string => ventilatorNodeId(device, path)
const read = (session: ClientSession, nodeId: string): Promise<DataValue> => session.read({ nodeId, attributeId: AttributeIds.Value }, 0)

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rhn-opcua-vent-'))
  clock = new ManualClock(START)
  a = ventilator(A, clock)
  b = ventilator(B, clock)
  fill(a)
  fill(b)
  const port = await freePort()
  server = new OpcuaVentilatorServer({
    endpoint: endpointFor(port, [a, b]),
    components: [a, b],
    security: { modes: ['None'], policies: ['None'], pkiDir: join(dir, 'server-pki') },
    clock,
  })
  await server.start()
})

afterAll(async () => {
  await server?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

describe('address space and values', () => {
  let c: OPCUAClient
  let session: ClientSession

  beforeAll(async () => {
    c = client(dir)
    await c.connect(server.endpointUrl)
    session = await c.createSession()
  })

  afterAll(async () => {
    await session?.close()
    await c?.disconnect()
  })

  it('registers urn:rhn:ventilator as namespace 1', async () => {
    const ns = await read(session, 'ns=0;i=2255') // Server.NamespaceArray
    expect((ns.value.value as string[])[1]).toBe(VENTILATOR_NAMESPACE_URI)
  })

  it('exposes every variable of the layout below the ventilator object, and nothing else', async () => {
    const top = await session.browse({ nodeId: id(A, ''), browseDirection: BrowseDirection.Forward, referenceTypeId: 'HierarchicalReferences', includeSubtypes: true, resultMask: 63 })
    expect(top.references?.map((r) => r.browseName.name)).toEqual([...VENTILATOR_FOLDERS])
    const objectsFolder = await session.browse({ nodeId: 'ns=0;i=85', browseDirection: BrowseDirection.Forward, resultMask: 63 })
    expect(objectsFolder.references?.filter((r) => r.nodeId.namespace === 1).map((r) => r.browseName.name)).toEqual([A, B])

    const variables: string[] = []
    const walk = async (nodeId: string): Promise<void> => {
      const res = await session.browse({ nodeId, browseDirection: BrowseDirection.Forward, referenceTypeId: 'HierarchicalReferences', includeSubtypes: true, resultMask: 63 })
      for (const r of res.references ?? ([] as ReferenceDescription[])) {
        if (r.referenceTypeId.toString() === HAS_PROPERTY) continue
        if ((r.nodeClass as number) === (NodeClass.Variable as number)) variables.push(r.nodeId.toString())
        else await walk(r.nodeId.toString())
      }
    }
    await walk(id(A, ''))
    expect(variables.sort()).toEqual(VENTILATOR_OPCUA_VARIABLES.map((v) => id(A, v.path)).sort())
  })

  it('gives each variable its DataType, access level, EngineeringUnits and EURange', async () => {
    for (const spec of VENTILATOR_OPCUA_VARIABLES) {
      const nodeId = id(A, spec.path)
      const [dataType, access, browseName, sampling] = await session.read([
        { nodeId, attributeId: AttributeIds.DataType },
        { nodeId, attributeId: AttributeIds.UserAccessLevel },
        { nodeId, attributeId: AttributeIds.BrowseName },
        { nodeId, attributeId: AttributeIds.MinimumSamplingInterval },
      ])
      expect(dataType!.value.value.toString(), spec.path).toBe(DATA_TYPE_ID[spec.dataType])
      expect(((access!.value.value as number) & 0x02) !== 0, `${spec.path} writable`).toBe(spec.writable) // bit 1 = CurrentWrite
      expect(browseName!.value.value.name).toBe(spec.browseName)
      expect(sampling!.value.value).toBe(0)
      if (spec.euRange === undefined) continue
      const props = await session.browse({ nodeId, browseDirection: BrowseDirection.Forward, referenceTypeId: 'HasProperty', resultMask: 63 })
      const prop = (name: string): string => props.references!.find((r) => r.browseName.name === name)!.nodeId.toString()
      const [eu, range] = await session.read([
        { nodeId: prop('EngineeringUnits'), attributeId: AttributeIds.Value },
        { nodeId: prop('EURange'), attributeId: AttributeIds.Value },
      ])
      expect(eu!.value.value).toMatchObject({
        namespaceUri: spec.engineeringUnits!.namespaceUri,
        unitId: spec.engineeringUnits!.unitId,
        displayName: { text: spec.engineeringUnits!.displayName },
      })
      expect(range!.value.value).toMatchObject({ low: spec.euRange.low, high: spec.euRange.high })
    }
  })

  it("reads each component's current values with the device's source timestamps", async () => {
    clock.advance(5_000)
    a.set('Ventilation/TidalVolume', 455.5)
    for (const device of [a, b]) {
      const values = await session.read(VENTILATOR_OPCUA_VARIABLES.map((v) => ({ nodeId: id(device.id, v.path), attributeId: AttributeIds.Value })), 0)
      VENTILATOR_OPCUA_VARIABLES.forEach((v, i) => {
        const dv = values[i]!
        expect(dv.statusCode.value, v.path).toBe(StatusCodes.Good.value)
        expect(dv.value.value, v.path).toEqual(device.get(v.metric))
        expect(dv.sourceTimestamp?.getTime(), v.path).toBe(device.read(v.metric)!.sourceTime)
      })
    }
    expect((await read(session, id(A, 'Measurements.TidalVolume'))).sourceTimestamp?.getTime()).toBe(START + 5_000)
  })

  it('notifies a monitored item of each change made on the component', async () => {
    const sub = await session.createSubscription2({ requestedPublishingInterval: 50, requestedMaxKeepAliveCount: 20, requestedLifetimeCount: 100, publishingEnabled: true })
    const seen: DataValue[] = []
    const item = ClientMonitoredItem.create(sub, { nodeId: id(A, 'Measurements.RespiratoryRate'), attributeId: AttributeIds.Value }, { samplingInterval: 0, queueSize: 100, discardOldest: true }, TimestampsToReturn.Both)
    item.on('changed', (dv: DataValue) => seen.push(dv))
    await vi.waitFor(() => expect(seen.length).toBeGreaterThan(0), { timeout: 5_000 })
    for (const [n, rate] of [18, 19, 20].entries()) {
      clock.advance(3_000) // one breath
      a.set('Ventilation/RespiratoryRate', rate)
      await vi.waitFor(() => expect(seen.at(-1)?.value.value).toBe(rate), { timeout: 5_000 })
      expect(seen.at(-1)?.sourceTimestamp?.getTime()).toBe(START + 5_000 + 3_000 * (n + 1))
    }
    expect(seen.slice(1).map((dv): unknown => dv.value.value)).toEqual([18, 19, 20])
    await sub.terminate()
  })

  it('writes a setting and an alarm acknowledgement through to the component', async () => {
    const write = (path: string, dataType: DataType, value: unknown) => session.write({ nodeId: id(A, path), attributeId: AttributeIds.Value, value: { value: { dataType, value } } })
    expect((await write('Settings.PEEP', DataType.Double, 8)).value).toBe(StatusCodes.Good.value)
    expect(a.get('Settings/PEEP')).toBe(8)
    expect(b.get('Settings/PEEP')).not.toBe(8)
    expect((await write('Alarms.HighPressure.Acknowledged', DataType.Boolean, true)).value).toBe(StatusCodes.Good.value)
    expect(a.get('Alarms/HighPressure/Acknowledged')).toBe(true)
    // The value read back is the device's, stamped with the device's clock.
    const back = await read(session, id(A, 'Settings.PEEP'))
    expect(back.value.value).toBe(8)
    expect(back.sourceTimestamp?.getTime()).toBe(a.read('Settings/PEEP')!.sourceTime)

    expect((await write('Settings.FiO2', DataType.Double, 150)).value).toBe(StatusCodes.BadOutOfRange.value)
    expect(a.get('Settings/FiO2')).not.toBe(150)
    expect((await read(session, id(A, 'Settings.FiO2'))).value.value).toBe(a.get('Settings/FiO2'))
    expect((await write('Measurements.PEEP', DataType.Double, 8)).isGood()).toBe(false)
  })

  it('shows BadNoCommunication on a powered-off ventilator only, and Good again after power-on', async () => {
    const rr = id(A, 'Measurements.RespiratoryRate')
    const sub = await session.createSubscription2({ requestedPublishingInterval: 50, requestedMaxKeepAliveCount: 20, requestedLifetimeCount: 100, publishingEnabled: true })
    const seen: DataValue[] = []
    ClientMonitoredItem.create(sub, { nodeId: rr, attributeId: AttributeIds.Value }, { samplingInterval: 0, queueSize: 100 }, TimestampsToReturn.Both).on('changed', (dv: DataValue) => seen.push(dv))
    await vi.waitFor(() => expect(seen.length).toBeGreaterThan(0), { timeout: 5_000 })

    a.setPowered(false)
    await vi.waitFor(async () => expect((await read(session, rr)).statusCode.value).toBe(StatusCodes.BadNoCommunication.value), { timeout: 5_000 })
    const off = await session.read(VENTILATOR_OPCUA_VARIABLES.map((v) => ({ nodeId: id(A, v.path), attributeId: AttributeIds.Value })), 0)
    expect(off.every((dv) => dv.statusCode.value === StatusCodes.BadNoCommunication.value && dv.value.dataType === DataType.Null)).toBe(true)
    const other = await session.read(VENTILATOR_OPCUA_VARIABLES.map((v) => ({ nodeId: id(B, v.path), attributeId: AttributeIds.Value })), 0)
    expect(other.every((dv) => dv.statusCode.isGood())).toBe(true)
    await vi.waitFor(() => expect(seen.at(-1)?.statusCode.value).toBe(StatusCodes.BadNoCommunication.value), { timeout: 5_000 })
    // A powered-off device takes no writes either.
    const w = await session.write({ nodeId: id(A, 'Settings.PEEP'), attributeId: AttributeIds.Value, value: { value: { dataType: DataType.Double, value: 9 } } })
    expect(w.value).toBe(StatusCodes.BadNoCommunication.value)
    expect(a.get('Settings/PEEP')).toBe(8)

    clock.advance(1_000)
    a.set('Ventilation/RespiratoryRate', 24) // measured while off: not seen until it answers
    a.setPowered(true)
    await vi.waitFor(async () => expect((await read(session, rr)).statusCode.value).toBe(StatusCodes.Good.value), { timeout: 5_000 })
    expect((await read(session, rr)).value.value).toBe(24)
    await vi.waitFor(() => expect(seen.at(-1)?.value.value).toBe(24), { timeout: 5_000 })
    await sub.terminate()
  })

  it('shows a clock-skew fault in the source timestamps', async () => {
    b.clockSkewMs = -90_000
    clock.advance(2_000)
    b.set('Ventilation/PeakPressure', 31)
    const dv = await read(session, id(B, 'Measurements.PeakPressure'))
    expect(dv.value.value).toBe(31)
    expect(dv.sourceTimestamp?.getTime()).toBe(clock.now() - 90_000)
    b.clockSkewMs = 0
  })
})

describe('network faults', () => {
  it('refuses new connections while the network is "refuse" and accepts them after "up"', async () => {
    await server.setNetwork('refuse')
    const refused = client(dir)
    await expect(refused.connect(server.endpointUrl)).rejects.toThrow()
    await refused.disconnect()

    await server.setNetwork('up')
    const ok = client(dir)
    await ok.connect(server.endpointUrl)
    const session = await ok.createSession()
    expect((await read(session, id(A, 'Identity.Model'))).value.value).toBe(a.get('Identity/Model'))
    await session.close()
    await ok.disconnect()
  })

  it('drops open connections on "reset"; the client reconnects and its session carries on', async () => {
    const c = client(dir, 'None', { maxRetry: 20 })
    await c.connect(server.endpointUrl)
    const session = await c.createSession()
    const lost = new Promise<void>((resolve) => c.once('connection_lost', () => resolve()))
    const back = new Promise<void>((resolve) => c.once('connection_reestablished', () => resolve()))
    await server.setNetwork('reset')
    await lost
    await back
    await server.setNetwork('up')
    expect((await read(session, id(B, 'Identity.SerialNumber'))).value.value).toBe(b.get('Identity/SerialNumber'))
    await session.close()
    await c.disconnect()
  })

  it('stops cleanly while refusing, leaving the port free', async () => {
    await server.setNetwork('refuse')
    await server.stop()
    expect(await portIsFree(server.endpoint.port)).toBe(true)
  })
})
