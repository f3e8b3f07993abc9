// Bad input and outages (issue 4 "Tests: bad input"): power-off, exceptions, short frames, wrong counts,
// silent units and a refusing network; each counted and logged with the device named, the others flowing.
import type { ModbusDeviceConfig } from '@rhn/protocols'
import { bedControllerServer, type Misbehaviour, type ModbusGatewayServer, type SimComponent } from '@rhn/firmware-sim'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Driver } from '../src/drivers/types.js'
import { createModbusDriver } from '../src/drivers/modbus/index.js'
import { deviceConfig, leftovers, openHandles, recorder, simComponent, type Recorder } from './drivers-support.js'

const BEDS = ['tst-bed-01', 'tst-bed-02', 'tst-bed-03', 'tst-bed-04']
const WAIT = { timeout: 8_000, interval: 20 }

let baseline: string[]
let beds: SimComponent[]
let server: ModbusGatewayServer
let rec: Recorder
let driver: Driver

/** Waits until every bed except `except` has emitted `n` more readings than now. */
async function othersKeepFlowing(except: string, n = 12): Promise<void> {
  const others = BEDS.filter((b) => b !== except)
  const before = new Map(others.map((b) => [b, rec.of(b).length]))
  await vi.waitFor(() => {
    for (const b of others) expect(rec.of(b).length, b).toBeGreaterThanOrEqual((before.get(b) ?? 0) + n)
  }, WAIT)
}

beforeAll(async () => {
  baseline = openHandles()
  beds = BEDS.map((id, i) => simComponent(id, 'bed', 'modbus', undefined, i + 1))
  for (const b of beds) {
    b.set('Bed/Occupied', true)
    b.set('Bed/PatientWeight', 70)
  }
  server = bedControllerServer({ endpoint: { id: 'tst/beds', hospitalId: 'TST' }, beds: beds.map((component, i) => ({ unitId: i + 1, component })) })
  await server.start()
  rec = recorder()
  const config = deviceConfig<ModbusDeviceConfig>({
    id: 'tst-beds', driver: 'modbus', host: '127.0.0.1', port: server.endpoint.port, unitIds: [1, 2, 3, 4], deviceIds: BEDS, map: 'bed',
    pollIntervalMs: 50, timeoutMs: 50, backoff: { minMs: 50, maxMs: 200 },
  })
  driver = createModbusDriver([config], rec, '.')
  await driver.start()
  await vi.waitFor(() => expect(BEDS.map((b) => rec.stateOf(b)?.online)).toEqual([true, true, true, true]), WAIT)
})

afterAll(async () => {
  await driver?.stop()
  await server?.stop()
  expect(await leftovers(baseline)).toEqual([])
})

beforeEach(() => {
  rec.errors.length = 0
})

describe('a bed powered off behind the gateway', () => {
  it('goes offline with the 0x0B reason while the others keep emitting, and comes back', async () => {
    beds[1]!.setPowered(false)
    await vi.waitFor(() => expect(rec.stateOf('tst-bed-02')).toMatchObject({ online: false, error: expect.stringMatching(/tst-bed-02 \(unit 2 .*\): exception 0x0B Gateway Target Device Failed to Respond/) }), WAIT)
    await othersKeepFlowing('tst-bed-02')
    expect(BEDS.filter((b) => b !== 'tst-bed-02').map((b) => rec.stateOf(b)?.online)).toEqual([true, true, true])
    beds[1]!.setPowered(true)
    beds[1]!.set('Bed/PatientWeight', 81.2)
    await vi.waitFor(() => expect(rec.stateOf('tst-bed-02')?.online).toBe(true), WAIT)
    await vi.waitFor(() => expect(rec.latest('tst-bed-02', 'Bed/PatientWeight')?.value).toBe(81.2), WAIT)
  })

  it('a unit that stops answering (no response) times out, is counted and goes offline; back when it answers', async () => {
    beds[3]!.setReachability('reset')
    await vi.waitFor(() => expect(rec.stateOf('tst-bed-04')).toMatchObject({ online: false, error: expect.stringMatching(/no response within 50 ms/) }), WAIT)
    expect(rec.errors).toContainEqual({ device: 'tst-bed-04', kind: 'timeout' })
    await othersKeepFlowing('tst-bed-04')
    beds[3]!.setReachability('up')
    await vi.waitFor(() => expect(rec.stateOf('tst-bed-04')?.online).toBe(true), WAIT)
  })
})

describe.each<[Misbehaviour, string]>([
  ['exception', 'exception'],
  ['short-frame', 'short-frame'],
  ['wrong-count', 'wrong-count'],
])('a unit that answers with %s', (mode, kind) => {
  it('is a counted, logged error naming the device; polling goes on and the others keep flowing', async () => {
    const logsBefore = rec.logs.length
    server.misbehave(3, mode)
    try {
      await vi.waitFor(() => expect(rec.errors.filter((e) => e.device === 'tst-bed-03' && e.kind === kind).length).toBeGreaterThanOrEqual(3), WAIT)
      await othersKeepFlowing('tst-bed-03')
      expect(rec.errors.every((e) => e.device === 'tst-bed-03' && e.kind === kind)).toBe(true)
      const logged = rec.logs.slice(logsBefore).find((l) => l.kind === kind)
      expect(logged).toMatchObject({ device: 'tst-bed-03', msg: expect.stringContaining('tst-bed-03 (unit 3') })
    } finally {
      server.misbehave(3, undefined)
    }
    const n = rec.of('tst-bed-03').length
    await vi.waitFor(() => expect(rec.of('tst-bed-03').length).toBeGreaterThan(n + 6), WAIT)
  })
})

describe('the gateway refuses connections, then comes back', () => {
  it('every bed goes offline, the driver reconnects with backoff and data flows again', async () => {
    const logsBefore = rec.logs.length
    await server.setNetwork('refuse')
    await vi.waitFor(() => expect(BEDS.map((b) => rec.stateOf(b)?.online)).toEqual([false, false, false, false]), WAIT)
    expect(rec.stateOf('tst-bed-01')?.error).toMatch(/ECONNREFUSED|connection lost/)
    // Backoff: 50, 100, 200, 200 ms… so over ~0.7 s a handful of attempts, not one per 50 ms poll.
    await new Promise((resolve) => setTimeout(resolve, 700))
    const attempts = rec.logs.slice(logsBefore).filter((l) => l.msg === 'modbus connect failed').length
    expect(attempts).toBeGreaterThanOrEqual(2)
    expect(attempts).toBeLessThanOrEqual(7)
    expect(rec.errors.filter((e) => e.kind === 'unreachable').map((e) => e.device)).toContain('tst-bed-01')
    await server.setNetwork('up')
    const n = rec.of('tst-bed-01').length
    await vi.waitFor(() => expect(BEDS.map((b) => rec.stateOf(b)?.online)).toEqual([true, true, true, true]), WAIT)
    await vi.waitFor(() => expect(rec.of('tst-bed-01').length).toBeGreaterThan(n), WAIT)
    expect(rec.logs.slice(logsBefore).some((l) => l.msg === 'modbus connected')).toBe(true)
    expect(server.connections).toBe(1)
  })

  it('stop() closes the connection and every timer', async () => {
    await driver.stop()
    await vi.waitFor(() => expect(server.connections).toBe(0), WAIT)
    const n = rec.readings.length
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(rec.readings.length).toBe(n)
  })
})
