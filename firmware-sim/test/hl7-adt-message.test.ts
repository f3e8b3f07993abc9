import { Hl7Message } from '@medplum/core'
import { describe, expect, it } from 'vitest'
import { createRng } from '../src/rng.js'
import {
  type AdtHeader,
  MALFORMED_KINDS,
  MllpDeframer,
  buildAdtMessage,
  buildMalformed,
  frameMllp,
  parseAck,
} from '../src/devices/hl7/index.js'
import { T0, adtEvent } from './hl7-support.js'

const header: AdtHeader = { hospitalId: 'RXA', receivingApplication: 'RHN-EDGE', receivingFacility: 'RXA', controlId: 'RXA00000007', messageTime: T0 }
const parse = (text: string): Hl7Message => Hl7Message.parse(text)
const names = (m: Hl7Message): string[] => m.segments.map((s) => s.name).filter((n) => n !== '')

describe('ADT message builder (HL7 v2.5.1 ER7)', () => {
  it('writes MSH, EVN, PID and PV1 of an A01 that an independent parser reads back', () => {
    const text = buildAdtMessage(adtEvent('A01', 1), header)
    expect(text.split('\r').at(-1)).toBe('') // every segment ends with CR
    expect(text).not.toContain('\n')
    const m = parse(text)
    const msh = m.header
    expect(msh.getField(3).toString()).toBe('RHN-SIM')
    expect(msh.getField(4).toString()).toBe('RXA')
    expect(msh.getField(5).toString()).toBe('RHN-EDGE')
    expect(msh.getField(7).toString()).toBe('20240101120000.000+0000')
    expect(msh.getField(9).toString()).toBe('ADT^A01^ADT_A01')
    expect(msh.getField(10).toString()).toBe('RXA00000007')
    expect(msh.getField(11).toString()).toBe('P')
    expect(msh.getField(12).toString()).toBe('2.5.1')
    expect(m.getSegment('EVN')!.getField(1).toString()).toBe('A01')
    const pid = m.getSegment('PID')!
    expect(pid.getField(3).components).toEqual([
      ['M000001', '', '', 'RXA', 'MR'],
      ['9990000026', '', '', 'NHS', 'NH'],
    ])
    expect(pid.getComponent(5, 1)).toBe('Testpatient')
    expect(pid.getComponent(5, 2)).toBe('Ada')
    expect(pid.getField(7).toString()).toBe('19500304')
    expect(pid.getField(8).toString()).toBe('F')
    expect(pid.getField(11).toString()).toBe('1 Synthetic Road^^Testville^^ZZ1 1ZZ^GBR^H')
    const pv1 = m.getSegment('PV1')!
    expect(pv1.getField(2).toString()).toBe('I')
    expect(pv1.getField(3).toString()).toBe('rxa-icu^bay-a^rxa-icu-bed-01^RXA')
    expect(pv1.getField(19).toString()).toBe('RXA-1^^^RXA^VN')
    expect(pv1.getField(44).toString()).toBe('20240101110000.000+0000')
    expect(pv1.fields[45]).toBeUndefined() // PV1-45 discharge time only in an A03
  })

  it('carries condition and severity in OBX (all four events) and DG1 (A01, A03, A08)', () => {
    const expected = { A01: ['OBX', 'OBX', 'DG1'], A02: ['OBX', 'OBX'], A03: ['DG1', 'OBX', 'OBX'], A08: ['OBX', 'OBX', 'DG1'] } as const
    for (const type of ['A01', 'A02', 'A03', 'A08'] as const) {
      const m = parse(buildAdtMessage(adtEvent(type, 2, { severity: 'severe', fromUnit: 'rxa-ward-1' }), header))
      expect(names(m).slice(4), type).toEqual(expected[type])
      const obx = m.getAllSegments('OBX')
      expect(obx[0]!.getField(3).toString()).toBe('29308-4^Diagnosis^LN')
      expect(obx[0]!.getField(5).toString()).toBe('U07.1^COVID-19, virus identified^I10')
      expect(obx[1]!.getField(3).toString()).toBe('246112005^Severity^SCT')
      expect(obx[1]!.getComponent(5, 1)).toBe('24484000')
      expect(obx[1]!.getComponent(5, 4)).toBe('severe')
    }
    const a03 = parse(buildAdtMessage(adtEvent('A03', 3), header))
    expect(a03.getSegment('DG1')!.getField(6).toString()).toBe('F')
    expect(a03.getSegment('DG1')!.getComponent(3, 1)).toBe('U07.1')
  })

  it('sends prior location for A02, discharge time for A03, and ADT_A01 structure for A08', () => {
    const a02 = parse(buildAdtMessage(adtEvent('A02', 4, { fromUnit: 'rxa-ward-1', fromBedId: 'rxa-ward-1-bed-09' }), header))
    expect(a02.header.getField(9).toString()).toBe('ADT^A02^ADT_A02')
    expect(a02.getSegment('PV1')!.getField(6).toString()).toBe('rxa-ward-1^^rxa-ward-1-bed-09^RXA')
    const a03 = parse(buildAdtMessage(adtEvent('A03', 5), header))
    expect(a03.header.getField(9).toString()).toBe('ADT^A03^ADT_A03')
    expect(a03.getSegment('PV1')!.getField(45).toString()).toBe('20240101115900.005+0000')
    expect(parse(buildAdtMessage(adtEvent('A08', 6), header)).header.getField(9).toString()).toBe('ADT^A08^ADT_A01')
  })

  it('escapes delimiters in text and shifts event times by the clock skew', () => {
    const ev = adtEvent('A01', 7)
    ev.patient.familyName = "O'Brien|Smith^Jr&Co~\\"
    const text = buildAdtMessage(ev, { ...header, messageTime: T0 - 90_000, clockSkewMs: -90_000 })
    expect(text).toContain("O'Brien\\F\\Smith\\S\\Jr\\T\\Co\\R\\\\E\\^Ada")
    const m = parse(text)
    expect(m.header.getField(7).toString()).toBe('20240101115830.000+0000')
    expect(m.getSegment('EVN')!.getField(6).toString()).toBe('20240101115730.007+0000')
  })
})

describe('MLLP framing and ACKs', () => {
  it('deframes split and coalesced frames, and resynchronises on a start block', () => {
    const d = new MllpDeframer()
    const a = frameMllp('MSH|a\r')
    const b = frameMllp('MSH|b\r')
    expect(d.push(a.subarray(0, 3))).toEqual([])
    expect(d.push(Buffer.concat([a.subarray(3), b])).map(String)).toEqual(['MSH|a\r', 'MSH|b\r'])
    expect(d.push(Buffer.concat([Buffer.from('noise'), Buffer.of(0x0b), Buffer.from('cut off'), frameMllp('MSH|c\r')])).map(String)).toEqual(['MSH|c\r'])
  })

  it('reads MSA of an ACK that @medplum/core builds', () => {
    const ack = parse(buildAdtMessage(adtEvent('A01', 8), header)).buildAck().toString()
    expect(parseAck(ack)).toEqual({ code: 'AA', controlId: 'RXA00000007', text: 'OK' })
    expect(parseAck('MSH|^~\\&|X\rMSA|AR|C9\rERR||||E||||bad version\r')).toEqual({ code: 'AR', controlId: 'C9', text: 'bad version' })
    expect(parseAck('MSH|^~\\&|X\rMSA|ZZ|C9\r')).toBeUndefined()
    expect(parseAck('garbage')).toBeUndefined()
  })
})

describe('malformed messages (hl7-malformed fault)', () => {
  it('builds each kind broken as named, the same bytes from the same seed', () => {
    const build = (seed: number) => MALFORMED_KINDS.map((k) => buildMalformed(k, header, createRng(seed, `m/${k}`)))
    const a = build(1)
    expect(a.map((m) => m.wire)).toEqual(build(1).map((m) => m.wire))
    expect(a.map((m) => m.wire)).not.toEqual(build(2).map((m) => m.wire))
    const byKind = Object.fromEntries(a.map((m) => [m.kind, m]))
    const body = (k: string) => byKind[k]!.wire.subarray(1, -2).toString('latin1')
    expect(body('missing-msh').startsWith('EVN|')).toBe(true)
    expect(body('truncated-message')).not.toContain('PV1')
    expect(byKind['unterminated-frame']!.wire.at(-2)).not.toBe(0x1c)
    expect(byKind['unterminated-frame']!.expectsReply).toBe(false)
    expect(body('bad-segment').split('\r').some((s) => s !== '' && !/^[A-Z][A-Z0-9]{2}\|/.test(s))).toBe(true)
    expect(parse(body('wrong-version')).header.getField(12).toString()).not.toBe('2.5.1')
    expect(body('garbage').startsWith('MSH')).toBe(false)
  })
})
