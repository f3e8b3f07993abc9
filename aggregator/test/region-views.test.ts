/**
 * What regional operations read off the region twin (issue 7): requests with their offers and
 * decisions, patient transfers, the four kinds of interdependency, and the OPEL level of each unit,
 * hospital and the region with its reason — all from confirmed transactions and the registry.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HospitalFigures, Interdependency, RegionAggregator, RegionFigures, RegionFlows } from '../src/index.js'
import { FFP3, type RegionDir, StandInLedger, get, makeRegionDir, regionAggregator, snapshot, unit, waitFor } from './region-support.js'

const T0 = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000
const hex = (c: string): string => c.repeat(64)

describe('region views: flows, interdependencies, escalation', () => {
  let ledger: StandInLedger
  let dir: RegionDir
  let region: RegionAggregator
  let base: string
  const requestId = randomUUID()
  const offerId = randomUUID()
  const orphanOfferId = randomUUID()
  const transferId = randomUUID()

  beforeAll(async () => {
    ledger = new StandInLedger()
    await ledger.up()
    ledger.confirm(
      // RXA: ICU nearly full (23 of 25 = 92 %: OPEL 3), ventilators 9 of 10 in use (90 %: OPEL 3).
      snapshot('RXA', T0, [unit('rxa-icu', 'icu', [25, 23], [10, 9]), unit('rxa-ward-1', 'ward', [28, 14])]),
      // RXB: calm, but FFP3 masks for 2 days only (≤ 3 days: OPEL 4).
      snapshot('RXB', T0, [unit('rxb-icu', 'icu', [8, 2], [8, 1], { ppe: [{ gtin: FFP3, item: 'ffp3-mask', stock: 60, daysOfSupply: 2 }] })]),
      { kind: 'resource-request', id: requestId, from: 'RXA', to: ['RXB'], resource: 'ventilator', quantity: 3, reason: 'ICU surge' },
      { kind: 'resource-offer', id: offerId, requestId, from: 'RXB', to: 'RXA', quantity: 2 },
      { kind: 'resource-accept', id: randomUUID(), offerId, requestId, from: 'RXA' },
      // An offer on a request this node has not confirmed yet: listed as an orphan.
      { kind: 'resource-offer', id: orphanOfferId, requestId: randomUUID(), from: 'RXC', to: 'RXB', quantity: 1 },
      { kind: 'escalation-change', hospital: 'RXA', unit: 'rxa-icu', from: 2, to: 3, reason: 'ICU occupancy 92 % ≥ 92 %', at: T0 + 1_000 },
      { kind: 'patient-transfer', id: transferId, origin: 'RXC', destination: 'RXA', patientRef: hex('a'), recordCommitment: hex('b'), category: { condition: 'covid', severity: 'critical' }, unitType: 'icu', at: T0 + 5_000 },
    )
    dir = await makeRegionDir(ledger.url)
    region = await regionAggregator(dir)
    await region.start()
    base = region.url!
    await waitFor(() => region.feed!.status().cursor === ledger.confirmed.length, 'every transaction applied')
  })

  afterAll(async () => {
    await region?.stop()
    await ledger?.down()
    await dir?.remove()
  })

  it('shows requests with their offers and decisions, and confirmed transfers', async () => {
    const flows = (await get<RegionFlows>(base, '/api/region/flows')).body
    expect(flows.requests).toHaveLength(1)
    const r = flows.requests[0]!
    expect(r).toMatchObject({ id: requestId, from: 'RXA', to: ['RXB'], resource: 'ventilator', quantity: 3, status: 'partly-accepted', accepted: 2 })
    expect(r.offers).toEqual([expect.objectContaining({ id: offerId, from: 'RXB', quantity: 2, decision: expect.objectContaining({ kind: 'accept' }) })])
    expect(r.confirmedAt).toBe(ledger.confirmed[2]!.confirmedAt)
    expect(flows.orphanOffers.map((o) => o.id)).toEqual([orphanOfferId])
    expect(flows.transfers).toEqual([expect.objectContaining({ id: transferId, origin: 'RXC', destination: 'RXA', status: 'confirmed', category: { condition: 'covid', severity: 'critical' } })])
    // Pseudonymous all the way: the region never serves the patient reference.
    expect(JSON.stringify(flows)).not.toContain(hex('a'))
    // Level changes the hospitals recorded on the ledger are listed too.
    const recorded = (await get<unknown[]>(base, '/api/region/escalations')).body
    expect(recorded).toEqual([expect.objectContaining({ hospital: 'RXA', unit: 'rxa-icu', from: 2, to: 3, reason: 'ICU occupancy 92 % ≥ 92 %', at: T0 + 1_000 })])
  })

  it('holds every kind of interdependency, typed', async () => {
    const all = (await get<Interdependency[]>(base, '/api/region/interdependencies')).body
    const find = (type: string, from: string, to: string, level = 'hospital'): Interdependency | undefined => all.find((d) => d.type === type && d.from === from && d.to === to && d.level === level)
    // Spatial: RXA and RXB share the outbreak area north-city (registry); RXC is in north-moors.
    expect(find('spatial', 'RXA', 'RXB')).toMatchObject({ mutual: true, source: 'registry', description: expect.stringContaining('north-city') })
    expect(all.some((d) => d.type === 'spatial' && (d.from === 'RXC' || d.to === 'RXC'))).toBe(false)
    // Functional: the others send critical patients to RXA, the critical care centre.
    expect(find('functional', 'RXB', 'RXA')?.description).toMatch(/critical patients/)
    expect(find('functional', 'RXC', 'RXA')).toBeDefined()
    // Functional and cyber at unit level: the service chain ED ▸ ICU from the registry's flowsTo.
    expect(find('functional', 'rxa-ed', 'rxa-icu', 'unit')?.description).toMatch(/Emergency Department to Intensive Care Unit/)
    expect(find('cyber', 'rxa-ed', 'rxa-icu', 'unit')).toBeDefined()
    // Physical: RXA asked RXB for ventilators, and RXB's accepted offer moves 2 to RXA.
    expect(find('physical', 'RXA', 'RXB')).toMatchObject({ source: 'ledger', description: expect.stringContaining('ventilator requested 3') })
    expect(find('physical', 'RXB', 'RXA')?.description).toContain('ventilator moved 2')
    // Cyber: a patient's record went from RXC to RXA with the transfer.
    expect(find('cyber', 'RXC', 'RXA')).toMatchObject({ source: 'ledger', count: 1, description: expect.stringContaining('patient records transferred with 1 patient') })
    const physicalOnly = (await get<Interdependency[]>(base, '/api/region/interdependencies?type=physical')).body
    expect(new Set(physicalOnly.map((d) => d.type))).toEqual(new Set(['physical']))
  })

  it('gives each unit, hospital and the region an OPEL level with its reason', async () => {
    const hs = (await get<HospitalFigures[]>(base, '/api/region/hospitals')).body
    const rxa = hs.find((h) => h.id === 'RXA')!
    const icu = rxa.units.find((u) => u.id === 'rxa-icu')!
    expect(icu.escalation.level).toBe(3)
    expect(icu.escalation.reason).toContain('ICU occupancy 92 % ≥ 92 %')
    expect(icu.escalation.reason).toContain('ICU ventilators in use 90 % > 85 %')
    // The hospital reported level 1 itself; the region's thresholds say otherwise, and both are shown.
    expect(icu.escalation.reported).toEqual({ level: 1, reason: 'steady' })
    expect(rxa.units.find((u) => u.id === 'rxa-ward-1')!.escalation.level).toBe(1)
    // Site-wide: 31 % of beds but 90 % of ventilators in use.
    expect(rxa.escalation).toMatchObject({ level: 3, reason: 'Hospital ventilators in use 90 % > 85 %' })
    const rxb = hs.find((h) => h.id === 'RXB')!
    expect(rxb.escalation).toMatchObject({ level: 4, reason: 'Hospital ffp3-mask supply 2 days < 3 days' })
    // The region is at its worst hospital's level, naming it.
    const r = (await get<RegionFigures>(base, '/api/region')).body
    expect(r.escalation.level).toBe(4)
    expect(r.escalation.reason).toBe('RXB: Hospital ffp3-mask supply 2 days < 3 days')
    const cap = (await get<{ capacity: { escalation: { level: number } } }>(base, '/api/capacity?scope=region')).body
    expect(cap.capacity.escalation.level).toBe(4)
  })

  it('tells stream listeners when a level changes', async () => {
    const events: unknown[] = []
    const off = region.twin!.onEvent((e) => events.push(e))
    // RXB restocks: FFP3 for 20 days; the region falls back to RXA's OPEL 3.
    ledger.confirm(snapshot('RXB', T0 + 60_000, [unit('rxb-icu', 'icu', [8, 2], [8, 1], { ppe: [{ gtin: FFP3, item: 'ffp3-mask', stock: 600, daysOfSupply: 20 }] })]))
    await waitFor(() => events.some((e) => (e as { type: string; scope?: string }).type === 'escalation' && (e as { scope: string }).scope === 'region'), 'a region escalation event')
    off()
    expect(events).toContainEqual(expect.objectContaining({ type: 'escalation', scope: 'hospital', id: 'RXB', from: 4, to: 1 }))
    expect(events).toContainEqual(expect.objectContaining({ type: 'escalation', scope: 'region', id: 'north', from: 4, to: 3, reason: expect.stringMatching(/^RXA: /) }))
    expect(events).toContainEqual(expect.objectContaining({ type: 'snapshot', hospital: 'RXB', takenAt: T0 + 60_000 }))
  })
})
