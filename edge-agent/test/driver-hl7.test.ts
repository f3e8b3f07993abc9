/**
 * The `hl7-mllp` driver against firmware-sim's ADT sender and a raw MLLP client on loopback (issue 4):
 * ACKs, census and flow per unit, malformed input, MLLP framing, and the privacy promise.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { type Hl7MllpDeviceConfig, patientFlowMetricName } from '@rhn/protocols'
import { Hl7AdtSender, MALFORMED_KINDS, buildAdtMessage, freePort } from '@rhn/firmware-sim'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHl7MllpDriver } from '../src/drivers/hl7-mllp/index.js'
import type { Driver } from '../src/drivers/types.js'
import { type Captured, RawMllpClient, capture, exampleDevices, latest, mllp, newClock, waitFor } from './drivers-llrp-hl7-support.js'

type AdtEvent = Parameters<Hl7AdtSender['enqueue']>[0]
type Patient = AdtEvent['patient']

const example = exampleDevices('hl7-mllp')[0] as Hl7MllpDeviceConfig

/** Synthetic patients, every identifying string distinct so a leak of any one is caught. */
const PATIENTS: Patient[] = [
  ['Ada', 'Lovelacetest', '9990000026', '1950-03-04', '1 Synthetic Road', 'Testville', 'ZZ1 1ZZ'],
  ['Grace', 'Hoppertest', '9990000034', '1961-07-19', '22 Imaginary Lane', 'Fakeham', 'ZZ2 2ZZ'],
  ['Alan', 'Turingtest', '9990000042', '1972-11-23', '5 Nowhere Close', 'Mockbury', 'ZZ3 3ZZ'],
  ['Edsger', 'Dijkstratest', '9990000050', '1983-05-30', '9 Pretend Street', 'Dummyton', 'ZZ4 4ZZ'],
].map(([givenName, familyName, nhsNumber, dateOfBirth, street, city, postcode], i) => ({
  mrn: `MRN${i + 1}7731`,
  nhsNumber: nhsNumber!,
  givenName: givenName!,
  familyName: familyName!,
  dateOfBirth: dateOfBirth!,
  sex: 'F' as const,
  address: { street: street!, city: city!, postcode: postcode! },
  key: `RXA-STAY-${i + 1}`,
}))

/** Every string that identifies a patient, as sent (PID-7 goes as YYYYMMDD). */
const IDENTIFYING = [
  ...PATIENTS.flatMap((p) => [p.mrn, p.nhsNumber, p.givenName, p.familyName, p.dateOfBirth, p.dateOfBirth.replace(/-/g, ''), p.address.street, p.address.city, p.address.postcode, p.key!]),
  // firmware-sim's malformed-message probe patient
  '9990000018', 'MALFORMED', '1 Test Street', 'Nowhere', 'ZZ99 3ZZ',
]

function expectNoIdentifiers(cap: Captured, errors: readonly unknown[] = []): void {
  const text = cap.everything() + errors.map((e) => (e instanceof Error ? `${e.message} ${e.stack ?? ''}` : String(e))).join('')
  for (const s of IDENTIFYING) expect(text, `"${s}" leaked`).not.toContain(s)
  for (const r of cap.readings) expect(typeof r.value).toBe('number')
}

const event = (type: AdtEvent['type'], p: number, toUnit: string, severity: AdtEvent['severity'], extra: Partial<AdtEvent> = {}): AdtEvent => ({
  type,
  at: Date.UTC(2024, 0, 15, 9, 0, 0),
  patient: PATIENTS[p]!,
  patientClass: 'I',
  toUnit,
  room: 'bay-a',
  bedId: `bed-${p}`,
  severity,
  condition: { code: 'U07.1', display: 'COVID-19, virus identified' },
  ...extra,
})

let dir: string
let port: number
const cleanups: (() => Promise<void> | void)[] = []
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'rhn-hl7-'))
  mkdirSync(path.join(dir, 'secrets'))
  writeFileSync(path.join(dir, 'secrets', 'adt-hmac.key'), randomBytes(32))
  port = await freePort()
})
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
  rmSync(dir, { recursive: true, force: true })
})

async function startDriver(over: Partial<Hl7MllpDeviceConfig> = {}): Promise<{ cap: Captured; driver: Driver }> {
  const clock = newClock()
  const cap = capture(() => clock.now())
  const cfg: Hl7MllpDeviceConfig = { ...structuredClone(example), listen: { host: '127.0.0.1', port }, ...over }
  const driver = createHl7MllpDriver([cfg], cap.components, dir)
  await driver.start()
  cleanups.push(() => driver.stop())
  return { cap, driver }
}

interface SenderLog {
  msg: string
  obj: Record<string, unknown>
}

async function startSender(): Promise<{ sender: Hl7AdtSender; log: SenderLog[] }> {
  const clock = newClock()
  const log: SenderLog[] = []
  const keep = (obj: object, msg: string) => log.push({ obj: obj as Record<string, unknown>, msg })
  const sender = new Hl7AdtSender({
    endpoint: { id: 'RXA/adt', hospitalId: 'RXA', protocol: 'hl7-mllp', kind: 'HL7 v2 ADT feed', address: `mllp://127.0.0.1:${port}`, host: '127.0.0.1', port, components: [] },
    source: { onAdt: () => () => {} },
    component: { id: 'RXA/adt-feed', powered: true, reachability: 'up', clockSkewMs: 0, deviceTime: () => clock.now() },
    clock,
    ackTimeoutMs: 60_000, // virtual: the manual clock never reaches it, so nothing is resent behind the test's back
    logger: { debug: keep, info: keep, warn: keep, error: keep },
  })
  await sender.start()
  cleanups.push(async () => {
    await sender.stop()
    clock.close()
  })
  return { sender, log }
}

const flow = (cap: Captured, device: string, measure: Parameters<typeof patientFlowMetricName>[0], severity?: Parameters<typeof patientFlowMetricName>[1]) =>
  latest(cap.readings, device, patientFlowMetricName(measure, severity))

describe('hl7-mllp driver', () => {
  it('builds from the example config: the feed device and one device per mapped unit', () => {
    const driver = createHl7MllpDriver([example], capture().components, dir)
    expect(driver.devices().map((d) => d.id)).toEqual(['rxa-adt', 'rxa-ed', 'rxa-hdu', 'rxa-icu', 'rxa-iso'])
    expect(driver.devices()[0]!.metrics.map((m) => m.name)).toContain('PatientFlow/Census/Critical')
  })

  it('ACKs A01/A02/A03/A08 with AA and counts census, admissions, discharges and transfers per unit', async () => {
    const { cap } = await startDriver()
    const { sender } = await startSender()
    sender.enqueue(event('A01', 0, 'ICU', 'critical'))
    sender.enqueue(event('A01', 1, 'ICU', 'severe'))
    sender.enqueue(event('A01', 2, 'HDU', 'mild'))
    sender.enqueue(event('A01', 3, 'WARD9', 'mild')) // unmapped: counted as unassigned
    sender.enqueue(event('A02', 1, 'HDU', 'severe', { fromUnit: 'ICU', fromBedId: 'bed-1' }))
    sender.enqueue(event('A08', 2, 'HDU', 'severe'))
    sender.enqueue(event('A03', 0, 'ICU', 'critical'))
    await waitFor(() => sender.counters.acked === 7, 'seven AA')
    expect(sender.counters).toMatchObject({ sent: 7, acked: 7, rejected: 0, resent: 0 })
    expect(cap.errors).toEqual([])
    expect(flow(cap, 'rxa-icu', 'Census')).toBe(0)
    expect(flow(cap, 'rxa-icu', 'Admissions')).toBe(2)
    expect(flow(cap, 'rxa-icu', 'Discharges', 'critical')).toBe(1)
    expect(flow(cap, 'rxa-icu', 'TransfersOut', 'severe')).toBe(1)
    expect(flow(cap, 'rxa-hdu', 'Census')).toBe(2)
    expect(flow(cap, 'rxa-hdu', 'Census', 'severe')).toBe(2) // the A08 moved patient 3 from mild to severe
    expect(flow(cap, 'rxa-hdu', 'Census', 'mild')).toBe(0)
    expect(flow(cap, 'rxa-hdu', 'TransfersIn')).toBe(1)
    expect(flow(cap, 'rxa-adt', 'Census')).toBe(3) // the whole feed, unassigned included
    expect(flow(cap, 'rxa-adt', 'Admissions')).toBe(4)
    expect(flow(cap, 'rxa-ed', 'Census')).toBe(0)
    expectNoIdentifiers(cap)
  })

  it('answers every malformed kind with AE/AR (or drops an unterminated frame), counts and logs it, and keeps processing', async () => {
    const { cap, driver } = await startDriver()
    const { sender, log } = await startSender()
    sender.sendMalformed(MALFORMED_KINDS.length)
    sender.enqueue(event('A01', 0, 'ICU', 'critical'))
    sender.enqueue(event('A01', 1, 'ISO', 'mild'))
    await waitFor(() => sender.counters.acked === 2, 'the valid messages after the malformed ones')
    expect(sender.counters.malformedRejected).toBe(MALFORMED_KINDS.length - 1)
    const codes = Object.fromEntries(log.filter((l) => l.msg.includes('malformed message rejected')).map((l) => [l.obj.kind, l.obj.code]))
    expect(codes).toEqual({ 'missing-msh': 'AR', 'wrong-version': 'AR', garbage: 'AR', 'truncated-message': 'AE', 'bad-segment': 'AE' })
    const kinds = cap.errors.map((e) => e.kind).sort()
    expect(kinds).toEqual(['hl7-error', 'hl7-error', 'hl7-rejected', 'hl7-rejected', 'hl7-rejected', 'mllp-unterminated-frame'])
    expect(cap.errors.every((e) => e.device === 'rxa-adt')).toBe(true)
    expect(cap.logs.filter((l) => l.includes('"level":40') && l.includes('"device":"rxa-adt"')).length).toBe(6)
    expect(flow(cap, 'rxa-icu', 'Census')).toBe(1)
    expect(flow(cap, 'rxa-iso', 'Census', 'mild')).toBe(1)
    expect(driver.health()).toMatchObject([{ device: 'rxa-adt', online: true }])
    expectNoIdentifiers(cap)
  })

  it('deframes several frames per read, split frames and garbage between frames; rejects by the original-mode rules', async () => {
    const { cap } = await startDriver({ maxMessageBytes: 4_096 })
    const client = await RawMllpClient.connect(port)
    cleanups.push(() => client.close())
    const header = (controlId: string) => ({ hospitalId: 'RXA', receivingApplication: 'RHN-EDGE', receivingFacility: 'RXA', controlId, messageTime: Date.UTC(2024, 0, 15, 9) })
    const msg = (controlId: string, ev: AdtEvent) => buildAdtMessage(ev, header(controlId))
    const a = msg('C1', event('A01', 0, 'ICU', 'critical'))
    const b = msg('C2', event('A01', 1, 'HDU', 'severe'))
    client.write(Buffer.concat([mllp(a), Buffer.from('noise between frames\r'), mllp(b)])) // two frames, one read
    const c = mllp(msg('C3', event('A01', 2, 'AE', 'mild')))
    for (const byte of c) client.write(Buffer.of(byte)) // one frame, byte by byte
    await client.until(3)
    client.write(mllp(a)) // a resend after a lost ACK: acknowledged, not counted again
    client.write(mllp(a.replace('ADT^A01^ADT_A01', 'ORU^R01^ORU_R01').replace('|C1|', '|C4|')))
    client.write(mllp(a.replace('ADT^A01^ADT_A01', 'ADT^A04^ADT_A01').replace('|C1|', '|C5|')))
    client.write(mllp(a.replace('|C1|P|', '|C6|T|')))
    client.write(mllp(a.replace('|C1|', '|C7|').replace(/\rPV1\|1\|I\|ICU/, '\rPV1|1|I|')))
    client.write(mllp(a.replace('|C1|', '|C8|') + `NTE|1||${'x'.repeat(5_000)}\r`)) // over maxMessageBytes
    client.write(mllp(msg('C9', event('A01', 3, 'ICU', 'mild'))))
    await client.until(10)
    expect(client.acks.map((k) => [k.controlId, k.code])).toEqual([
      ['C1', 'AA'], ['C2', 'AA'], ['C3', 'AA'], ['C1', 'AA'], ['C4', 'AR'], ['C5', 'AR'], ['C6', 'AR'], ['C7', 'AE'], ['C8', 'AR'], ['C9', 'AA'],
    ])
    // ERR-3 carries the HL7 table 0357 code: 200 message type, 201 event, 202 processing id, 101 required field.
    expect(client.acks.slice(4, 8).map((k) => /\rERR\|\|[^|]*\|(\d+)\^/.exec(k.text)?.[1])).toEqual(['200', '201', '202', '101'])
    expect(client.acks[0]!.text).toMatch(/^MSH\|\^~\\&\|RHN-EDGE\|RXA\|RHN-SIM\|RXA\|\d{14}\+0000\|\|ACK\^A01\^ACK\|[^|]+\|P\|2\.5\.1\rMSA\|AA\|C1\r$/)
    expect(flow(cap, 'rxa-adt', 'Admissions')).toBe(4)
    expect(flow(cap, 'rxa-icu', 'Census')).toBe(2)
    expect(flow(cap, 'rxa-ed', 'Census', 'mild')).toBe(1)
    expect(cap.errors.map((e) => e.kind)).toEqual(['mllp-outside-frame', 'hl7-rejected', 'hl7-rejected', 'hl7-rejected', 'hl7-error', 'hl7-rejected'])
    expectNoIdentifiers(cap)
  })

  it('refuses to start without a usable key, naming the file and never its content', async () => {
    const errors: unknown[] = []
    const cap = capture()
    const missing = createHl7MllpDriver([{ ...example, hmacKeyFile: './secrets/none.key', listen: { host: '127.0.0.1', port } }], cap.components, dir)
    await missing.start().catch((e: unknown) => errors.push(e))
    writeFileSync(path.join(dir, 'secrets', 'short.key'), 'MRN17731-9990000026\n')
    const short = createHl7MllpDriver([{ ...example, hmacKeyFile: './secrets/short.key', listen: { host: '127.0.0.1', port } }], cap.components, dir)
    await short.start().catch((e: unknown) => errors.push(e))
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['RHN_EDGE_CONFIG_INVALID', 'RHN_EDGE_CONFIG_INVALID'])
    expect(String(errors[0])).toContain('none.key')
    expect(String(errors[1])).toMatch(/short\.key holds 19 bytes; at least 32/)
    expectNoIdentifiers(cap, errors)
    await expect(RawMllpClient.connect(port)).rejects.toThrow(/ECONNREFUSED/) // nothing was left listening
  })

  it('uses a binary key byte for byte, even when its last random byte is a line feed', async () => {
    const key = Buffer.concat([randomBytes(31), Buffer.of(0x0a)])
    writeFileSync(path.join(dir, 'secrets', 'lf.key'), key)
    const cap = capture()
    const driver = createHl7MllpDriver([{ ...example, hmacKeyFile: './secrets/lf.key', listen: { host: '127.0.0.1', port: 0 } }], cap.components, dir)
    await driver.start()
    await driver.stop()
  })
})
