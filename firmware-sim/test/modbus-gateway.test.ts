import { afterEach, describe, expect, it } from 'vitest'
import { BED_MODBUS_MAP, coalesce, decodeEnumLabel, decodeRegisters, validateRegisterMap, ventilatorModbusMap, wordsFor, type RegisterEntry, type RegisterMap } from '@rhn/protocols'
import { bedControllerServer, ModbusGatewayServer, ventilatorConverterServer, type ModbusGatewayInit } from '../src/devices/modbus/index.js'
import type { SimComponent } from '../src/hospital/component.js'
import { closeClient, failure, modbusClient, rawRequest, simComponent, type ModbusRTU } from './modbus-support.js'

const servers: ModbusGatewayServer[] = []
const clients: ModbusRTU[] = []

async function started(server: ModbusGatewayServer): Promise<number> {
  servers.push(server)
  await server.start()
  return server.endpoint.port
}

async function client(port: number, unitId: number): Promise<ModbusRTU> {
  const c = await modbusClient(port, unitId)
  clients.push(c)
  return c
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map(closeClient))
  await Promise.all(servers.splice(0).map((s) => s.stop()))
})

const entry = (map: RegisterMap, metric: string): RegisterEntry => map.entries.find((e) => e.metric === metric)!

function bed(id: string, unitId: number, occupied: boolean, weight: number, headAngle: number): SimComponent {
  const c = simComponent(id, 'bed', unitId)
  c.set('Bed/Occupied', occupied)
  c.set('Bed/SideRailsUp', !occupied)
  c.set('Bed/BrakeSet', true)
  c.set('Bed/ExitAlarm', occupied)
  c.set('Bed/PatientWeight', weight)
  c.set('Bed/HeadAngle', headAngle)
  return c
}

function ventilator(id: string, unitId: number): SimComponent {
  const c = simComponent(id, 'ventilator', unitId)
  const values: Record<string, number | string | boolean> = {
    'Ventilation/RespiratoryRate': 16.5, 'Ventilation/TidalVolume': 450, 'Ventilation/FiO2': 40.5, 'Ventilation/PEEP': 8,
    'Ventilation/PeakPressure': 28.37, 'Ventilation/PlateauPressure': -1.25, 'Ventilation/MinuteVolume': 7.25, 'Ventilation/IERatio': 0.5,
    'Status/BatteryLevel': 87, 'Status/PowerSource': 'battery', 'Status/OperatingMode': 'PC-CMV',
    'Settings/RespiratoryRate': 16, 'Settings/TidalVolume': 450, 'Settings/PEEP': 8, 'Settings/FiO2': 40,
    'Alarms/HighPressure/Active': true, 'Alarms/HighPressure/Acknowledged': false,
  }
  for (const [metric, value] of Object.entries(values)) c.set(metric, value)
  return c
}

describe('bed-controller gateway (modbus-serial client)', () => {
  it('serves each bed on its own unit id, values decoding with the shared map to the component values', async () => {
    const beds = [bed('bed-1', 1, true, 82.5, -12.5), bed('bed-2', 2, false, 0, 30), bed('bed-7', 7, true, 143.2, 45.1)]
    const server = bedControllerServer({ endpoint: { id: 'RXA/icu-bay-a/beds', hospitalId: 'RXA' }, beds: beds.map((c) => ({ unitId: c.binding.unitId!, component: c })) })
    const port = await started(server)
    expect(port).toBeGreaterThan(0)
    expect(server.endpoint.address).toBe(`modbus://127.0.0.1:${port}`)
    expect(server.endpoint.components).toEqual([{ id: 'bed-1', unitId: 1 }, { id: 'bed-2', unitId: 2 }, { id: 'bed-7', unitId: 7 }])
    for (const c of beds) {
      const m = await client(port, c.binding.unitId!)
      const discrete = (await m.readDiscreteInputs(0, 3)).data
      const coils = (await m.readCoils(0, 1)).data
      const input = (await m.readInputRegisters(0, 2)).data
      const read = (metric: string): number | boolean => {
        const e = entry(BED_MODBUS_MAP, metric)
        const source = e.table === 'discrete' ? discrete.map(Number) : e.table === 'coil' ? coils.map(Number) : input
        return decodeRegisters(e, source.slice(e.address, e.address + 1))
      }
      for (const metric of ['Bed/Occupied', 'Bed/SideRailsUp', 'Bed/BrakeSet', 'Bed/ExitAlarm', 'Bed/PatientWeight', 'Bed/HeadAngle']) {
        expect(read(metric), `${c.id} ${metric}`).toBe(c.get(metric))
      }
    }
    // On the wire: weight in 0.1 kg as uint16, head angle in 0.1° as a signed int16 (two's complement).
    const m1 = await client(port, 1)
    expect((await m1.readInputRegisters(0, 2)).data).toEqual([825, 0x10000 - 125])
  })

  it('lets staff reset the bed-exit alarm by writing its coil', async () => {
    const b = bed('bed-3', 3, true, 70, 0)
    const port = await started(bedControllerServer({ endpoint: { id: 'beds', hospitalId: 'RXA' }, beds: [{ unitId: 3, component: b }] }))
    const m = await client(port, 3)
    expect((await m.readCoils(0, 1)).data[0]).toBe(true)
    await m.writeCoil(0, false)
    expect(b.get('Bed/ExitAlarm')).toBe(false)
    expect((await m.readCoils(0, 1)).data[0]).toBe(false)
  })
})

describe('ventilator protocol converter (modbus-serial client)', () => {
  it('serves scaled int32 and word-swapped float32 values in one coalesced read', async () => {
    const v = ventilator('vent-1', 11)
    const port = await started(ventilatorConverterServer({ endpoint: { id: 'RXA/vents', hospitalId: 'RXA' }, ventilators: [{ unitId: 11, component: v }] }))
    const map = ventilatorModbusMap()
    const [request, ...more] = coalesce(map.entries.filter((e) => e.table === 'input'))
    expect(more).toEqual([])
    expect(request).toMatchObject({ address: 0, count: 15 })
    const words = (await (await client(port, 11)).readInputRegisters(request!.address, request!.count)).data
    for (const e of request!.entries) {
      const decoded = decodeRegisters(e, wordsFor(request!, e, words))
      const value = e.enumLabels === undefined ? decoded : decodeEnumLabel(e, decoded)
      expect(value, e.metric).toBe(v.get(e.metric))
    }
    // Independently of the codec: 7.25 = 0x40E80000 goes low word first (CDAB); 28.37 as int32 2837 high word first.
    expect(words.slice(8, 10)).toEqual([0x0000, 0x40e8])
    expect(words.slice(4, 6)).toEqual([0, 2837])
  })

  it('serves another byte/word-order variant of the map', async () => {
    const v = ventilator('vent-2', 12)
    const port = await started(ventilatorConverterServer({ endpoint: { id: 'vents', hospitalId: 'RXA' }, variant: 'DCBA', ventilators: [{ unitId: 12, component: v }] }))
    const map = ventilatorModbusMap('DCBA')
    const words = (await (await client(port, 12)).readInputRegisters(4, 8)).data
    expect(words.slice(4, 6)).toEqual([0x0000, 0xe840]) // 7.25 fully little-endian
    for (const metric of ['Ventilation/PeakPressure', 'Ventilation/PlateauPressure', 'Ventilation/MinuteVolume', 'Ventilation/IERatio']) {
      const e = entry(map, metric)
      expect(decodeRegisters(e, words.slice(e.address - 4, e.address - 2))).toBe(v.get(metric))
    }
  })

  it('applies written settings and alarm acknowledgements to the component', async () => {
    const v = ventilator('vent-3', 13)
    const port = await started(ventilatorConverterServer({ endpoint: { id: 'vents', hospitalId: 'RXA' }, ventilators: [{ unitId: 13, component: v }] }))
    const m = await client(port, 13)
    await m.writeRegister(100, 180) // FC06: 18.0 /min
    expect(v.get('Settings/RespiratoryRate')).toBe(18)
    await m.writeRegisters(101, [500, 0x10000 - 5]) // FC16: 500 mL, PEEP -0.5 (signed, scale 0.1)
    expect(v.get('Settings/TidalVolume')).toBe(500)
    expect(v.get('Settings/PEEP')).toBe(-0.5)
    await m.writeCoils(0, [true, false, true]) // FC15
    expect([0, 1, 2].map((i) => v.get(`Alarms/${['HighPressure', 'LowTidalVolume', 'Disconnection'][i]}/Acknowledged`))).toEqual([true, false, true])
    expect((await m.readHoldingRegisters(100, 4)).data).toEqual([180, 500, 0x10000 - 5, 400])
  })
})

describe('exception responses', () => {
  async function bedPort(): Promise<number> {
    return started(bedControllerServer({ endpoint: { id: 'beds', hospitalId: 'RXA' }, beds: [{ unitId: 1, component: bed('bed-1', 1, true, 80, 10) }] }))
  }

  it('answers 02 for any address of the range outside the map, 03 for quantity 0 or over the limit, 01 for unknown functions', async () => {
    const m = await client(await bedPort(), 1)
    expect(await failure(m.readInputRegisters(5, 1))).toBe(2)
    expect(await failure(m.readInputRegisters(1, 2))).toBe(2) // 1 is mapped, 2 is not
    expect(await failure(m.readHoldingRegisters(0, 1))).toBe(2) // the bed map has no holding registers
    expect(await failure(m.readDiscreteInputs(0, 4))).toBe(2)
    expect(await failure(m.readInputRegisters(0, 0))).toBe(3)
    expect(await failure(m.readInputRegisters(0, 126))).toBe(3)
    expect(await failure(m.readCoils(0, 2001))).toBe(3)
    expect(await failure(m.customFunction(0x41, []))).toBe(1) // user-defined FC 65
    expect(await failure(m.maskWriteRegister(0, 0xffff, 0))).toBe(1) // FC22 is not served
    expect((await m.readInputRegisters(0, 2)).data).toEqual([800, 100]) // and the connection still serves
  })

  it('answers 03 for malformed requests no client library would send', async () => {
    const port = await bedPort()
    expect([...(await rawRequest(port, 1, [0x05, 0, 0, 0x12, 0x34]))]).toEqual([0x85, 3]) // coil value not FF00/0000
    expect([...(await rawRequest(port, 1, [0x0f, 0, 0, 0, 9, 1, 0xff]))]).toEqual([0x8f, 3]) // 9 coils need 2 bytes
    expect([...(await rawRequest(port, 1, [0x10, 0, 0, 0, 124, 248]))]).toEqual([0x90, 3]) // over 123 registers
    expect([...(await rawRequest(port, 1, [0x04, 0, 0]))]).toEqual([0x84, 3]) // truncated request
  })

  it('answers 02 to writes of read-only or half of 32-bit entries and 03 to unknown enum codes, changing nothing', async () => {
    const map = validateRegisterMap({
      name: 'test',
      description: 'read-only and 32-bit holding registers',
      entries: [
        { metric: 'Ventilation/TidalVolume', table: 'holding', address: 0, type: 'uint16', access: 'r' },
        { metric: 'Settings/TidalVolume', table: 'holding', address: 1, type: 'float32', access: 'rw' },
        { metric: 'Status/OperatingMode', table: 'holding', address: 3, type: 'uint16', enumLabels: ['standby', 'VC-CMV'], access: 'rw' },
      ],
    })
    const v = ventilator('vent-4', 4)
    const init: ModbusGatewayInit = {
      endpoint: { id: 'test/modbus', hospitalId: 'RXA', protocol: 'modbus', kind: 'test converter', address: '', host: '127.0.0.1', port: 0, components: [] },
      units: [{ unitId: 4, component: v, map }],
    }
    const m = await client(await started(new ModbusGatewayServer(init)), 4)
    expect(await failure(m.writeRegister(0, 1))).toBe(2)
    expect(await failure(m.writeRegister(1, 0x43e1))).toBe(2)
    expect(await failure(m.writeRegisters(2, [0, 1]))).toBe(2)
    expect(await failure(m.writeRegister(3, 7))).toBe(3)
    expect(v.get('Status/OperatingMode')).toBe('PC-CMV')
    await m.writeRegisters(1, [0x43e1, 0x0000, 1]) // 450.0 as float32 ABCD, mode code 1
    expect(v.get('Settings/TidalVolume')).toBe(450)
    expect(v.get('Status/OperatingMode')).toBe('VC-CMV')
    expect(v.get('Ventilation/TidalVolume')).toBe(450)
  })

  it('answers 04 when a value cannot be encoded, and reads gaps as zero when told to', async () => {
    const b = bed('bed-9', 9, true, 7000, 0) // 7000 kg: 70000 does not fit uint16
    const port = await started(bedControllerServer({ endpoint: { id: 'beds', hospitalId: 'RXA' }, gaps: 'zero', beds: [{ unitId: 9, component: b }] }))
    const m = await client(port, 9)
    expect(await failure(m.readInputRegisters(0, 1))).toBe(4)
    expect((await m.readInputRegisters(1, 3)).data).toEqual([0, 0, 0])
  })
})
