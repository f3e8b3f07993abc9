/**
 * The region API as operations use it (issue 7): rebalancing advice from the confirmed figures when
 * one hospital is short and another has spare, filing a recommendation in one step through the
 * needing hospital's own ledger node, a clear 409 when no delegate is configured for it, roles, the
 * live stream, /healthz and /metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RecommendationsView, RegionAggregator } from '../src/index.js'
import { ENGINEER, FFP3, type RegionDir, StandInLedger, VIEWER, get, makeRegionDir, post, regionAggregator, snapshot, unit, waitFor } from './region-support.js'

const T0 = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000

describe('region API: recommendations, delegated requests, stream', () => {
  let ledger: StandInLedger
  let rxaNode: StandInLedger
  let dir: RegionDir
  let region: RegionAggregator
  let base: string

  beforeAll(async () => {
    ledger = new StandInLedger('NORTH')
    rxaNode = new StandInLedger('RXA')
    await ledger.up()
    await rxaNode.up()
    ledger.confirm(
      // RXA: 10 critical patients in ICU, 6 ventilators, all in use: 4 short. Plenty of FFP3.
      snapshot('RXA', T0, [unit('rxa-icu', 'icu', [12, 10], [6, 6], { ppe: [{ gtin: FFP3, item: 'ffp3-mask', stock: 1000, daysOfSupply: 100 }] })]),
      // RXB (8 km away): 2 in ICU, 10 ventilators: 8 spare. FFP3 for one day only.
      snapshot('RXB', T0, [unit('rxb-icu', 'icu', [12, 2], [10, 2], { ppe: [{ gtin: FFP3, item: 'ffp3-mask', stock: 10, daysOfSupply: 1 }] })]),
    )
    // Only RXA has a delegate: a request RXB would have to author cannot be filed from the region.
    dir = await makeRegionDir(ledger.url, { RXA: rxaNode })
    region = await regionAggregator(dir)
    await region.start()
    base = region.url!
  })

  afterAll(async () => {
    await region?.stop()
    await ledger?.down()
    await rxaNode?.down()
    await dir?.remove()
  })

  const advice = async (): Promise<RecommendationsView> => (await get<RecommendationsView>(base, '/api/region/recommendations')).body

  it('recommends moving ventilators and PPE from the hospital with spare to the one short, with reasons', async () => {
    const v = await waitFor(async () => {
      const a = await advice()
      return a.recommendations.length >= 2 ? a : undefined
    }, 'two recommendations')
    const vent = v.recommendations.find((r) => r.kind === 'ventilator')!
    expect(vent).toMatchObject({ from: 'RXB', to: 'RXA', quantity: 4 })
    expect(vent.reason).toMatch(/RXA/)
    expect(vent.id).toMatch(/^[0-9a-f]{16}$/)
    const ppe = v.recommendations.find((r) => r.kind === 'ppe')!
    expect(ppe).toMatchObject({ from: 'RXA', to: 'RXB', gtin: FFP3 })
    expect(v.solvedAt).toBeGreaterThan(0)
    expect(v.basedOnConfirmedAt).toBe(ledger.confirmed[1]!.confirmedAt)
  })

  it('files a recommendation through the needing hospital’s own node (engineer role)', async () => {
    const vent = (await advice()).recommendations.find((r) => r.kind === 'ventilator')!
    const asViewer = await post<{ code: string }>(base, `/api/region/recommendations/${vent.id}/request`, VIEWER.token)
    expect(asViewer.status).toBe(403)
    const res = await post<{ txId: string; nodeUrl: string; request: { id: string } }>(base, `/api/region/recommendations/${vent.id}/request`, ENGINEER.token)
    expect(res.status).toBe(202)
    expect(res.body.nodeUrl).toBe(rxaNode.url)
    expect(rxaNode.submitted).toHaveLength(1)
    const { tx, token } = rxaNode.submitted[0]!
    expect(token).toBe(rxaNode.token)
    expect(tx).toMatchObject({ kind: 'resource-request', id: res.body.request.id, from: 'RXA', to: ['RXB'], resource: 'ventilator', quantity: 4 })
    // The region's own node got nothing: the request is authored by RXA, through RXA's node.
    expect(ledger.submitted).toHaveLength(0)
    const again = (await advice()).recommendations.find((r) => r.id === vent.id)!
    expect(again.requested).toMatchObject({ txId: res.body.txId, by: ENGINEER.name, requestId: res.body.request.id })
  })

  it('refuses with 409 and says why when no delegate is configured for the requesting hospital', async () => {
    const ppe = (await advice()).recommendations.find((r) => r.kind === 'ppe')!
    const res = await post<{ code: string; message: string }>(base, `/api/region/recommendations/${ppe.id}/request`, ENGINEER.token)
    expect(res.status).toBe(409)
    expect(res.body.code).toBe('RHN_AGG_NO_DELEGATE')
    expect(res.body.message).toMatch(/ledger\.delegates names no node for RXB/)
    const missing = await post<{ code: string }>(base, '/api/region/recommendations/0123456789abcdef/request', ENGINEER.token)
    expect(missing.status).toBe(404)
    const bad = await post<{ code: string; message: string }>(base, `/api/region/recommendations/${ppe.id}/request`, ENGINEER.token, { neededBy: 'tomorrow' })
    expect(bad.status).toBe(400)
    expect(bad.body.message).toMatch(/^neededBy: /)
  })

  it('needs a token everywhere but /healthz and serves metrics', async () => {
    expect((await fetch(new URL('/api/tree', base))).status).toBe(401)
    expect((await get(base, '/api/tree', 'not-a-valid-token-at-all')).status).toBe(401)
    const health = await fetch(new URL('/healthz', base))
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ status: 'ok', mode: 'region', region: 'north', ledger: { reachable: true, cursor: 2 } })
    const metrics = await fetch(new URL('/metrics', base), { headers: { authorization: `Bearer ${VIEWER.token}` } })
    const text = await metrics.text()
    expect(text).toMatch(/^rhn_region_ledger_reachable 1$/m)
    expect(text).toMatch(/^rhn_region_hospital_escalation_level\{hospital="RXA"\} 4$/m)
    expect(text).toMatch(/^rhn_region_recommendations [1-9]/m)
  })

  it('streams a new confirmed snapshot to an SSE client', async () => {
    const controller = new AbortController()
    const res = await fetch(new URL(`/api/stream?access_token=${VIEWER.token}`, base), { signal: controller.signal })
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const reader = res.body!.getReader()
    let text = ''
    ledger.confirm(snapshot('RXC', T0 + 60_000, [unit('rxc-icu', 'icu', [6, 1], [4, 0])]))
    const decoder = new TextDecoder()
    await waitFor(async () => {
      const { value } = await reader.read()
      text += decoder.decode(value)
      return text.includes('"hospital":"RXC"')
    }, 'a snapshot event for RXC')
    expect(text).toMatch(/event: snapshot\nid: \d+\ndata: \{"type":"snapshot","hospital":"RXC"/)
    controller.abort()
  })
})
