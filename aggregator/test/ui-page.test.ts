/**
 * The web page in headless Chromium (Debian's chromium driven by playwright-core): log in, walk from
 * the hospital to a ventilator, see a value change live, acknowledge an alarm.
 */
import { existsSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeTwin, makeApi, NOW, TOKENS } from './api-support.js'

const CHROMIUM = '/usr/bin/chromium'
/** Where the test leaves its screenshot for people to look at. */
export const SCREENSHOT = '/tmp/rhn-aggregator-ui.png'

// Debian's chromium is installed by `make test` (scripts/system-deps.sh): a missing browser fails here, loudly.
describe('web page in headless Chromium', () => {
  let app: FastifyInstance
  let twin: FakeTwin
  let browser: Browser
  let page: Page
  let base: string
  const pageErrors: string[] = []

  beforeAll(async () => {
    // The page asks for history relative to the browser's clock; the fake store answers any range.
    ;({ app, twin } = makeApi({ now: () => Date.now() }))
    base = await app.listen()
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    })
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
    page.on('pageerror', (err) => pageErrors.push(err.message))
  })

  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('refuses a wrong token and says so', async () => {
    await page.goto(base)
    await page.getByLabel('Bearer token').fill('not-a-valid-token-at-all')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/not valid/)
  })

  it('logs in and walks from the hospital to a ventilator', async () => {
    await page.getByLabel('Bearer token').fill(TOKENS.engineer.token)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: /Riverside General/ }).waitFor()
    expect(await page.getByText('Erin Engineer (engineer)').isVisible()).toBe(true)
    // The hospital's rollup: 2 of 3 beds occupied.
    expect(await page.locator('.rollup').textContent()).toContain('2 / 3')
    await page.getByRole('link', { name: 'Intensive Care' }).click()
    await page.getByRole('heading', { name: /Intensive Care/ }).waitFor()
    await page.getByRole('link', { name: 'Bay A' }).click()
    await page.getByRole('heading', { name: /Bay A/ }).waitFor()
    await page.getByRole('link', { name: 'Ventilator 01' }).click()
    await page.getByRole('heading', { name: 'Ventilator 01' }).waitFor()
    await expect.poll(() => page.locator('[data-metric="Ventilation/PEEP"]').textContent()).toBe('8.1')
    // The history chart is drawn from the fake store's points.
    await page.getByRole('img', { name: /History of Ventilation\/FiO2|History of Ventilation\/PEEP/ }).waitFor()
    expect(await page.locator('svg.chart polyline').count()).toBe(1)
  })

  it('shows a value change live', async () => {
    await expect.poll(() => twin.listeners.size).toBeGreaterThan(0)
    await page.getByText('Live: connected').waitFor()
    twin.emit({ type: 'value', asset: 'rxa-icu-vent-01', path: ['RXA', 'rxa-icu', 'rxa-icu-bay-a'], metric: 'Ventilation/PEEP', value: { value: 9.4, timestamp: NOW + 1000, unit: 'cm[H2O]' } })
    await expect.poll(() => page.locator('[data-metric="Ventilation/PEEP"]').textContent()).toBe('9.4')
  })

  it('acknowledges an alarm, and the twin records who', async () => {
    await page.getByRole('link', { name: /^Alarms/ }).click()
    await page.getByRole('heading', { name: 'Alarms' }).waitFor()
    await page.getByRole('button', { name: /Acknowledge alarm: airway pressure/ }).click()
    await expect.poll(() => page.locator('[data-alarm-state="alarm-1"]').textContent()).toBe('acknowledged')
    expect(twin.acks).toEqual([{ id: 'alarm-1', by: 'Erin Engineer' }])
    expect(await page.getByRole('status').filter({ hasText: 'acknowledged by Erin Engineer' }).count()).toBe(1)
  })

  it('shows the capacity table by unit and leaves a screenshot', async () => {
    await page.getByRole('link', { name: 'Capacity' }).click()
    const table = page.getByRole('table', { name: 'Capacity by unit' })
    await table.waitFor()
    expect(await table.getByRole('row').count()).toBe(4) // header, ICU, Ward 3, total
    await page.getByRole('link', { name: 'Ventilator 01' }).count()
    await page.goto(`${base}/#/asset/rxa-icu-vent-01`)
    await page.getByRole('img', { name: /History of/ }).waitFor()
    await page.screenshot({ path: SCREENSHOT, fullPage: true })
    expect(existsSync(SCREENSHOT)).toBe(true)
    expect(pageErrors).toEqual([])
  })

  it('a viewer sees no Acknowledge button', async () => {
    const viewerPage = await browser.newPage()
    await viewerPage.goto(base)
    await viewerPage.getByLabel('Bearer token').fill(TOKENS.viewer.token)
    await viewerPage.getByRole('button', { name: 'Sign in' }).click()
    await viewerPage.getByRole('heading', { name: /Riverside General/ }).waitFor()
    await viewerPage.goto(`${base}/#/alarms`)
    await viewerPage.getByRole('heading', { name: 'Alarms' }).waitFor()
    expect(await viewerPage.getByRole('button', { name: /Acknowledge/ }).count()).toBe(0)
    await viewerPage.close()
  })
})
