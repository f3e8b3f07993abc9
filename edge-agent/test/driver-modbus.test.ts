// The modbus driver against the firmware-sim gateways on loopback: values, byte/word order, coalescing, probe.
import { readFile } from 'node:fs/promises'
import { BED_MODBUS_MAP, coalesce, parseEdgeConfig, ventilatorModbusMap, type ModbusDeviceConfig } from '@rhn/protocols'
import { bedControllerServer, ventilatorConverterServer, type ModbusGatewayServer, type SimComponent } from '@rhn/firmware-sim'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createModbusDriver, probeModbus } from '../src/drivers/modbus/index.js'
import { CountingProxy, deviceConfig, leftovers, openHandles, recorder, simComponent } from './drivers-support.js'

const BEDS = ['tst-bed-01', 'tst-bed-02', 'tst-bed-03', 'tst-bed-04']
let baseline: string[]

beforeAll(() => {
  baseline = openHandles()
})

afterAll(async () => {
  expect(await leftovers(baseline)).toEqual([])
})

describe('example.yaml', () => {
  it('parses with parseEdgeConfig and gives one Sparkplug device per unit id, with catalogue metrics', async () => {
    const text = await readFile(new URL('../src/drivers/modbus/example.yaml', import.meta.url), 'utf8')
    const configs = parseEdgeConfig(text).devices.filter((d): d is ModbusDeviceConfig => d.driver === 'modbus')
    expect(configs).toHaveLength(3)
    const driver = createModbusDriver(configs, recorder(), '.')
    const devices = driver.devices()
    expect(devices.map((d) => d.id)).toEqual(['rxa-hdu-main-bed-01', 'rxa-hdu-main-bed-02', 'rxa-hdu-main-bed-03', 'rxa-hdu-main-bed-04', 'rxa-hdu-main-vent-01', 'rxa-hdu-main-bed-05'])
    expect(devices[0]!.metrics).toContainEqual({ name: 'Bed/PatientWeight', datatype: 'Float', unit: 'kg' })
    expect(devices[4]!.metrics.find((m) => m.name === 'Ventilation/PEEP')).toMatchObject({ datatype: 'Float', unit: 'cm[H2O]', mdcRefId: expect.any(String) })
    await driver.stop()
  })

  it('refuses an inline map that overlaps, naming the entry, before any I/O', () => {
    const bad = deviceConfig<ModbusDeviceConfig>({
      id: 'tst-bed-09', driver: 'modbus', host: '127.0.0.1', unitIds: [1],
      map: { name: 'broken', registers: [{ metric: 'Bed/HeadAngle', table: 'input', address: 0, type: 'int32' }, { metric: 'Bed/PatientWeight', table: 'input', address: 1 }] },
    })
    expect(() => createModbusDriver([bad], recorder(), '.')).toThrow(expect.objectContaining({ code: 'RHN_EDGE_CONFIG_INVALID', message: expect.stringContaining('tst-bed-09') }))
  })
})

describe('bed-controller gateway, 4 unit ids behind one connection', () => {
  let beds: SimComponent[]
  let server: ModbusGatewayServer
  let proxy: CountingProxy

  beforeAll(async () => {
    beds = BEDS.map((id, i) => simComponent(id, 'bed', 'modbus', undefined, i + 1))
    beds.forEach((b, i) => {
      b.set('Bed/Occupied', i % 2 === 0)
      b.set('Bed/SideRailsUp', true)
      b.set('Bed/BrakeSet', i !== 3)
      b.set('Bed/ExitAlarm', i === 1)
      b.set('Bed/PatientWeight', 60 + i * 7.3)
      b.set('Bed/HeadAngle', i === 2 ? -5.5 : 30 + i)
    })
    server = bedControllerServer({ endpoint: { id: 'tst/beds', hospitalId: 'TST' }, beds: beds.map((component, i) => ({ unitId: i + 1, component })) })
    await server.start()
    proxy = await CountingProxy.start(server.endpoint.port)
  })

  afterAll(async () => {
    await proxy?.close()
    await server?.stop()
  })

  it("emits every bed's values equal to the component's, with fewer requests than registers", async () => {
    const rec = recorder()
    // One poll only (a long interval), so the request count is one cycle's.
    const config = deviceConfig<ModbusDeviceConfig>({ id: 'tst-beds', driver: 'modbus', host: '127.0.0.1', port: proxy.port, unitIds: [1, 2, 3, 4], deviceIds: BEDS, map: 'bed', pollIntervalMs: 60_000, timeoutMs: 1_000 })
    const driver = createModbusDriver([config], rec, '.')
    await driver.start()
    try {
      await vi.waitFor(() => expect(new Set(rec.readings.map((r) => r.device)).size).toBe(4), { timeout: 5_000 })
      for (const bed of beds) {
        for (const entry of BED_MODBUS_MAP.entries) expect(rec.latest(bed.id, entry.metric)?.value, `${bed.id} ${entry.metric}`).toEqual(bed.get(entry.metric))
      }
      const perUnit = coalesce(BED_MODBUS_MAP.entries).length
      expect(perUnit).toBeLessThan(BED_MODBUS_MAP.entries.length)
      expect(proxy.requests).toBe(4 * perUnit)
      expect(server.connections).toBe(1)
      expect(rec.states.filter((s) => s.online).map((s) => s.device).sort()).toEqual(BEDS)
      expect(rec.errors).toEqual([])
    } finally {
      await driver.stop()
    }
  })

  it('probe prints raw registers with uint16/int16 readings', async () => {
    const text = await probeModbus(`modbus://127.0.0.1:${server.endpoint.port}`, { unit: 3, table: 'input', start: 0, count: 2 })
    expect(text).toContain('unit 3: input 0..1 (FC04)')
    const weight = Math.round((beds[2]!.get('Bed/PatientWeight') as number) * 10)
    expect(text).toMatch(new RegExp(`^\\s+0\\s+0x${weight.toString(16).padStart(4, '0')}\\s+${weight}\\s+${weight}\\s`, 'm'))
    expect(text).toMatch(/^\s+1\s+0xffc9\s+65481\s+-55\s/m) // head angle -5.5 at scale 0.1
    await expect(probeModbus(`modbus://127.0.0.1:${server.endpoint.port}`, { unit: 9, table: 'input' })).rejects.toMatchObject({ code: 'RHN_EDGE_DEVICE_PROTOCOL', message: expect.stringMatching(/0x0B/) })
  })
})

describe('ventilator protocol converter with CDAB 32-bit values', () => {
  it('decodes scaled integers, word-swapped int32 and float32, enums and alarm bits', async () => {
    const vent = simComponent('tst-hdu-vent-01', 'ventilator', 'modbus', undefined, 7)
    const values: Record<string, number | boolean | string> = {
      'Ventilation/RespiratoryRate': 14.5, 'Ventilation/TidalVolume': 450, 'Ventilation/FiO2': 40.5, 'Ventilation/PEEP': 5.5,
      'Ventilation/PeakPressure': 25.37, 'Ventilation/PlateauPressure': -1.25, 'Ventilation/MinuteVolume': 6.5, 'Ventilation/IERatio': 0.5,
      'Status/BatteryLevel': 87, 'Status/PowerSource': 'battery', 'Status/OperatingMode': 'PC-CMV',
      'Settings/RespiratoryRate': 14, 'Settings/TidalVolume': 460, 'Settings/PEEP': 5, 'Settings/FiO2': 40,
      'Alarms/HighPressure/Active': true, 'Alarms/Disconnection/Active': false, 'Alarms/HighPressure/Acknowledged': true, 'Alarms/LowBattery/Acknowledged': false,
    }
    for (const [metric, value] of Object.entries(values)) vent.set(metric, value)
    const server = ventilatorConverterServer({ endpoint: { id: 'tst/vent', hospitalId: 'TST' }, ventilators: [{ unitId: 7, component: vent }], variant: 'CDAB' })
    await server.start()
    const rec = recorder()
    const config = deviceConfig<ModbusDeviceConfig>({ id: vent.id, driver: 'modbus', host: '127.0.0.1', port: server.endpoint.port, unitIds: [7], map: 'ventilator', order32: 'CDAB', pollIntervalMs: 200, timeoutMs: 200 })
    const driver = createModbusDriver([config], rec, '.')
    try {
      await driver.start()
      const metrics = ventilatorModbusMap('CDAB').entries.map((e) => e.metric)
      await vi.waitFor(() => expect(metrics.filter((m) => rec.latest(vent.id, m) === undefined)).toEqual([]), { timeout: 5_000 })
      for (const [metric, value] of Object.entries(values)) expect(rec.latest(vent.id, metric)?.value, metric).toEqual(value)
      vent.set('Ventilation/MinuteVolume', 7.25)
      await vi.waitFor(() => expect(rec.latest(vent.id, 'Ventilation/MinuteVolume')?.value).toBe(7.25), { timeout: 5_000 })
      expect(rec.errors).toEqual([])
    } finally {
      await driver.stop()
      await server.stop()
    }
  })
})
