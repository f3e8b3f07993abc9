/**
 * The `llrp` driver against firmware-sim's LLRP reader and cabinet inventory on loopback (issue 4):
 * stock per GTIN, missed reads, takes and deliveries, reader reboot, garbage frames.
 */
import type { LlrpDeviceConfig } from '@rhn/protocols'
import { ppeMetricName } from '@rhn/protocols'
import type { ManualClock } from '@rhn/firmware-sim'
import { afterEach, describe, expect, it } from 'vitest'
import { LLRP_ROSPEC_ID, LLRP_ROUND_MS, createLlrpDriver } from '../src/drivers/llrp/index.js'
import type { Driver } from '../src/drivers/types.js'
import { type Cabinet, type Captured, LINES, capture, exampleDevices, latest, newClock, startCabinet, waitFor } from './drivers-llrp-hl7-support.js'
import { llrp } from '@rhn/protocols'
const { FrameScanner, encodeMessage } = llrp

const ABSENCE_MS = 10_000 // 10 rounds: with a 30 % miss rate an item unseen that long is gone (0.3^10 ≈ 6e-6)
const [MASK, GOWN, GLOVES] = LINES.map((l) => l.gtin) as [string, string, string]

const example = exampleDevices('llrp')[0] as LlrpDeviceConfig
const configFor = (cab: Cabinet): LlrpDeviceConfig => ({
  ...structuredClone(example),
  id: cab.id,
  host: '127.0.0.1',
  port: cab.port,
  absenceMs: ABSENCE_MS,
  timeoutMs: 2_000,
  reconnect: { minMs: 20, maxMs: 200, factor: 2, jitter: 0 },
})

const open: { driver: Driver; cabinets: Cabinet[]; clock: ManualClock }[] = []
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.driver.stop()
    // stop() leaves no session behind: every reader sees its client gone (no reconnect timer either).
    for (const c of o.cabinets) await waitFor(() => !c.server.connected, `${c.id} disconnected after stop()`)
    for (const c of o.cabinets) await c.server.stop()
    o.clock.close()
  }
})

async function rig(ids: string[], missRate = 0): Promise<{ cabs: Cabinet[]; cap: Captured; driver: Driver; clock: ManualClock }> {
  const clock = newClock()
  const cabs: Cabinet[] = []
  for (const [i, id] of ids.entries()) cabs.push(await startCabinet(id, clock, missRate, 11 + i))
  const cap = capture(() => clock.now())
  const driver = createLlrpDriver(cabs.map(configFor), cap.components, '/nonexistent')
  open.push({ driver, cabinets: cabs, clock })
  await driver.start()
  for (const c of cabs) await installed(c)
  return { cabs, cap, driver, clock }
}

const installed = (c: Cabinet): Promise<void> =>
  waitFor(() => c.server.roSpecs().some((r) => r.id === LLRP_ROSPEC_ID && r.state === 2), `ROSpec active on ${c.id}`)

/** Waits until the driver has installed its ROSpec on `id` for the `n`th time (a reconnect reinstalls it). */
const installs = (cap: Captured, id: string, n: number): Promise<void> =>
  waitFor(() => cap.logs.filter((l) => l.includes('llrp ROSpec installed') && l.includes(`"device":"${id}"`)).length >= n, `ROSpec installed ${n}× on ${id}`)

const readsOf = (cap: Captured, device: string): number => cap.readings.filter((r) => r.device === device && r.metric === 'PPE/Reads').length

/** Runs `n` inventory rounds and waits until `device` (default: every connected cabinet's first) has handled each report. */
async function rounds(clock: ManualClock, cap: Captured, devices: string[], n = 1): Promise<void> {
  for (let i = 0; i < n; i++) {
    const before = devices.map((d) => readsOf(cap, d))
    clock.advance(LLRP_ROUND_MS)
    await waitFor(() => devices.every((d, k) => readsOf(cap, d) > before[k]!), `round report for ${devices.join(', ')}`)
  }
}

const stock = (cap: Captured, device: string, gtin: string) => latest(cap.readings, device, ppeMetricName('Stock', gtin))

describe('llrp driver', () => {
  it('builds from the example config without touching the network', () => {
    const cap = capture()
    const driver = createLlrpDriver([example], cap.components, '.')
    expect(driver.name).toBe('llrp')
    expect(driver.devices()).toEqual([{ id: 'rxa-iso-rooms-ppe-1', metrics: [{ name: 'PPE/Reads', datatype: 'UInt32', unit: '{count}' }] }])
    expect(driver.health()).toMatchObject([{ device: 'rxa-iso-rooms-ppe-1', online: false }])
  })

  it('frames every message of a TCP read, however the bytes were chunked', () => {
    const frames = [encodeMessage(62, 1), encodeMessage(61, 2, [Buffer.alloc(40, 7)]), encodeMessage(62, 3)]
    const stream = Buffer.concat(frames)
    const scanner = new FrameScanner()
    expect(scanner.push(stream).map((f) => f.id)).toEqual([1, 2, 3]) // several in one read (llrpjs 1.0.1 sees only the first)
    const ids: number[] = []
    for (const byte of stream) ids.push(...scanner.push(Buffer.of(byte)).map((f) => f.id)) // and one byte at a time
    expect(ids).toEqual([1, 2, 3])
    expect(() => new FrameScanner().push(Buffer.from('0000000000030000000000', 'hex'))).toThrow(/invalid LLRP message length 3/)
  })

  it('reports stock per GTIN equal to the true counts, steady despite a 30 % miss rate', async () => {
    const { cabs, cap, clock, driver } = await rig(['rxa-iso-ppe-1'], 0.3)
    const id = cabs[0]!.id
    await rounds(clock, cap, [id], 12)
    expect(cap.states).toEqual([{ device: id, online: true }])
    const from = cap.readings.length
    await rounds(clock, cap, [id], 20)
    for (const gtin of [MASK, GOWN, GLOVES]) expect(stock(cap, id, gtin)).toBe(cabs[0]!.inventory.count(gtin))
    // No flicker: after the first rounds, not one stock change, take or restock was reported.
    const later = cap.readings.slice(from).filter((r) => r.metric !== 'PPE/Reads')
    expect(later).toEqual([])
    expect(latest(cap.readings, id, ppeMetricName('Taken', MASK))).toBe(0)
    expect(latest(cap.readings, id, 'PPE/Reads')).toBeGreaterThan(0)
    expect(driver.devices()[0]!.metrics.map((m) => m.name)).toContain(ppeMetricName('Restocked', GLOVES))
  })

  it('lowers stock only after absenceMs and counts Taken; a delivery counts at once as Restocked', async () => {
    const { cabs, cap, clock } = await rig(['rxa-iso-ppe-1'])
    const cab = cabs[0]!
    await rounds(clock, cap, [cab.id], ABSENCE_MS / LLRP_ROUND_MS + 1) // past the baseline window
    cab.inventory.take('gloves', 3)
    await rounds(clock, cap, [cab.id], ABSENCE_MS / LLRP_ROUND_MS - 1)
    expect(stock(cap, cab.id, GLOVES)).toBe(5) // not yet: missed reads look the same as a take
    await rounds(clock, cap, [cab.id], 2)
    expect(stock(cap, cab.id, GLOVES)).toBe(2)
    expect(latest(cap.readings, cab.id, ppeMetricName('Taken', GLOVES))).toBe(3)
    cab.inventory.restock('ffp3-mask', 4)
    await rounds(clock, cap, [cab.id], 1)
    expect(stock(cap, cab.id, MASK)).toBe(14)
    expect(latest(cap.readings, cab.id, ppeMetricName('Restocked', MASK))).toBe(4)
    expect(latest(cap.readings, cab.id, ppeMetricName('Taken', MASK))).toBe(0)
  })

  it('after a reader power cycle goes offline, reinstalls its ROSpec and reports correct stock again', async () => {
    const { cabs, cap, clock } = await rig(['rxa-iso-ppe-1'])
    const cab = cabs[0]!
    await rounds(clock, cap, [cab.id], 3)
    cab.comp.setPowered(false)
    await waitFor(() => cap.states.at(-1)?.online === false, 'offline after power-off')
    expect(cap.states.at(-1)?.error).toMatch(/rxa-iso-ppe-1/)
    expect(cab.server.roSpecs()).toEqual([])
    cab.inventory.take('gown', 2) // taken while the reader was off
    cab.comp.setPowered(true)
    await installs(cap, cab.id, 2)
    await rounds(clock, cap, [cab.id], 1)
    expect(cap.states.map((s) => s.online)).toEqual([true, false, true])
    expect(stock(cap, cab.id, GOWN)).toBe(8) // the outage itself is no absence
    await rounds(clock, cap, [cab.id], ABSENCE_MS / LLRP_ROUND_MS)
    for (const gtin of [MASK, GOWN, GLOVES]) expect(stock(cap, cab.id, gtin)).toBe(cab.inventory.count(gtin))
    expect(latest(cap.readings, cab.id, ppeMetricName('Taken', GOWN))).toBe(2)
  })

  it.each(['bad-parameter', 'bad-version', 'random'] as const)('counts a %s garbage frame, resets the connection and recovers; other readers keep reporting', async (kind) => {
    const { cabs, cap, clock } = await rig(['rxa-iso-ppe-1', 'rxa-iso-ppe-2'])
    const [bad, good] = cabs as [Cabinet, Cabinet]
    await rounds(clock, cap, [bad.id, good.id], 2)
    expect(bad.server.sendGarbage(kind)).toBe(true)
    await waitFor(() => cap.errors.length > 0, 'the garbage frame counted')
    expect(cap.errors).toEqual([{ device: bad.id, kind: 'garbage-frame' }])
    expect(cap.logs.some((l) => l.includes('"level":40') && l.includes(bad.id) && l.includes('garbage'))).toBe(true)
    await rounds(clock, cap, [good.id], 1)
    await installs(cap, bad.id, 2)
    await rounds(clock, cap, [bad.id, good.id], 2)
    for (const gtin of [MASK, GOWN, GLOVES]) expect(stock(cap, bad.id, gtin)).toBe(bad.inventory.count(gtin))
    expect(cap.states.filter((s) => s.device === good.id)).toEqual([{ device: good.id, online: true }])
    expect(cap.states.filter((s) => s.device === bad.id).map((s) => s.online)).toEqual([true, false, true])
  })
})
