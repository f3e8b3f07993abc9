/**
 * The region page in headless Chromium (Debian's chromium driven by playwright-core), against a
 * running RegionAggregator fed by a stand-in ledger node: hospitals side by side, OPEL level and
 * reason, PPE days of supply, confirmation times, a recommendation filed with its "Request" button,
 * a new snapshot shown live, and the ledger-outage banner.
 */
import { existsSync } from 'node:fs'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RegionAggregator } from '../src/index.js'
import { ENGINEER, FFP3, type RegionDir, StandInLedger, makeRegionDir, regionAggregator, snapshot, unit } from './region-support.js'

const CHROMIUM = '/usr/bin/chromium'
/** Where the test leaves its screenshot for people to look at. */
export const REGION_SCREENSHOT = '/tmp/rhn-region-ui.png'
const T0 = Math.floor((Date.now() - 600_000) / 1000) * 1000

describe('region page in headless Chromium', () => {
  let ledger: StandInLedger
  let rxaNode: StandInLedger
  let dir: RegionDir
  let region: RegionAggregator
  let browser: Browser
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    ledger = new StandInLedger('NORTH')
    rxaNode = new StandInLedger('RXA')
    await ledger.up()
    await rxaNode.up()
    ledger.confirm(
      snapshot('RXA', T0, [unit('rxa-icu', 'icu', [12, 10], [6, 6], { ppe: [{ gtin: FFP3, item: 'ffp3-mask', stock: 1000, daysOfSupply: 100 }] }), unit('rxa-ward-1', 'ward', [28, 14])]),
      snapshot('RXB', T0, [unit('rxb-icu', 'icu', [12, 2], [10, 2], { ppe: [{ gtin: FFP3, item: 'ffp3-mask', stock: 40, daysOfSupply: 4 }] })]),
    )
    dir = await makeRegionDir(ledger.url, { RXA: rxaNode })
    region = await regionAggregator(dir)
    await region.start()
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    })
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    page.on('pageerror', (err) => pageErrors.push(err.message))
  })

  afterAll(async () => {
    await browser?.close()
    await region?.stop()
    await ledger?.down()
    await rxaNode?.down()
    await dir?.remove()
  })

  it('signs in and shows the hospitals side by side with levels, reasons, PPE and confirmation times', async () => {
    await page.goto(region.url!)
    await page.getByLabel('Bearer token').fill(ENGINEER.token)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'North Region', level: 1 }).waitFor()
    expect(await page.locator('article.hospital').count()).toBe(3)
    const rxa = page.getByRole('article', { name: /Northgate General Hospital \(RXA\)/ })
    const occupancy = rxa.getByRole('table', { name: 'Occupancy of RXA by unit type' })
    expect(await occupancy.getByRole('row', { name: /ICU/ }).textContent()).toContain('10 / 12')
    expect(await occupancy.getByRole('row', { name: /Ventilators in use/ }).textContent()).toContain('6 / 6')
    // 100 % of ventilators in use: OPEL 4, with the reason beside it.
    expect(await rxa.getByLabel('RXA OPEL 4').isVisible()).toBe(true)
    expect(await rxa.locator('.reason').first().textContent()).toContain('Hospital ventilators in use 100 % > 95 %')
    const rxb = page.getByRole('article', { name: /\(RXB\)/ })
    expect(await rxb.getByRole('table', { name: 'PPE days of supply at RXB' }).getByRole('row', { name: /ffp3-mask/ }).textContent()).toContain('4')
    const confirmedAt = ledger.confirmed[0]!.confirmedAt
    expect(await page.locator('[data-confirmed="RXA"]').textContent()).toBe(`${new Date(confirmedAt).toISOString().slice(0, 19).replace('T', ' ')} UTC`)
    expect(await page.locator('[data-taken="RXA"]').textContent()).toContain(new Date(T0).toISOString().slice(11, 19))
    expect(await page.getByRole('article', { name: /\(RXC\)/ }).getByText('No confirmed snapshot yet.').isVisible()).toBe(true)
  })

  it('files a recommendation with its Request button, through RXA’s own node', async () => {
    const button = page.getByRole('button', { name: 'Request 4 ventilators from RXB to RXA' })
    await button.waitFor()
    await button.click()
    await expect.poll(() => rxaNode.submitted.length).toBe(1)
    expect(rxaNode.submitted[0]!.tx).toMatchObject({ kind: 'resource-request', from: 'RXA', to: ['RXB'], resource: 'ventilator', quantity: 4 })
    await page.getByText(`Requested by ${ENGINEER.name}`).waitFor()
    expect(await page.getByRole('button', { name: 'Request 4 ventilators from RXB to RXA' }).count()).toBe(0)
  })

  it('shows a newly confirmed snapshot live, and the request once it is confirmed', async () => {
    await page.getByText('Live: connected').waitFor()
    const filed = rxaNode.submitted[0]!.tx
    ledger.confirm(filed, snapshot('RXC', T0 + 60_000, [unit('rxc-icu', 'icu', [6, 3], [4, 1])]))
    const rxc = page.getByRole('article', { name: /\(RXC\)/ })
    await expect.poll(() => rxc.getByRole('table', { name: 'Occupancy of RXC by unit type' }).count()).toBe(1)
    expect(await rxc.getByRole('row', { name: /ICU/ }).textContent()).toContain('3 / 6')
    const open = page.getByRole('table', { name: 'Open requests' })
    await open.waitFor()
    expect(await open.getByRole('row').nth(1).textContent()).toContain('ventilator')
  })

  it('says since when the ledger is unreachable, keeping the last figures', async () => {
    await ledger.down()
    const banner = page.getByRole('alert').filter({ hasText: 'Ledger unreachable since' })
    await banner.waitFor({ timeout: 15_000 })
    expect(await page.getByRole('article', { name: /\(RXA\)/ }).getByRole('row', { name: /ICU/ }).textContent()).toContain('10 / 12')
    await page.screenshot({ path: REGION_SCREENSHOT, fullPage: true })
    expect(existsSync(REGION_SCREENSHOT)).toBe(true)
    await ledger.up()
    await banner.waitFor({ state: 'hidden', timeout: 15_000 })
    expect(pageErrors).toEqual([])
  })
})
