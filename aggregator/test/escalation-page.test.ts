/**
 * The hospital page shows the OPEL level with its reason for the hospital and each unit, and the
 * "Requests & transfers" panel (headless Chromium via playwright-core, as ui-page.test.ts).
 */
import type { FastifyInstance } from 'fastify'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiServerOptions } from '../src/api/index.js'
import type { HospitalEscalationView, ScopeEscalation } from '../src/escalation/index.js'
import { makeApi, NOW, TOKENS } from './api-support.js'

const scope = (s: Partial<ScopeEscalation> & Pick<ScopeEscalation, 'id' | 'level' | 'reason'>): ScopeEscalation => ({ scope: 'unit', name: s.id, indicators: {}, findings: [], since: NOW, ...s })

const VIEW: HospitalEscalationView = {
  hospital: scope({ scope: 'hospital', id: 'RXA', level: 2, reason: 'Hospital occupancy 88 % > 85 %' }),
  units: [scope({ id: 'rxa-icu', unitType: 'icu', level: 3, reason: 'ICU occupancy 96 % > 92 %' })],
  evaluatedAt: NOW,
}

describe('hospital page: escalation', () => {
  let app: FastifyInstance
  let browser: Browser

  beforeAll(async () => {
    ;({ app } = makeApi({ now: () => Date.now(), escalation: { current: () => VIEW } } as Partial<ApiServerOptions>))
    await app.listen()
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] })
  })

  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('shows the hospital and unit levels with their reasons, and the requests panel', async () => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    const addr = app.server.address() as { port: number }
    await page.goto(`http://127.0.0.1:${addr.port}/`)
    await page.getByLabel('Bearer token').fill(TOKENS.engineer.token)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: /Riverside General/ }).waitFor()
    await expect.poll(() => page.locator('[data-opel]').count()).toBe(2)
    expect(await page.locator('[data-opel]').allTextContents()).toEqual(['OPEL 2', 'OPEL 3'])
    expect(await page.getByText('ICU occupancy 96 % > 92 %').isVisible()).toBe(true)
    expect(await page.getByText('Hospital occupancy 88 % > 85 %').isVisible()).toBe(true)
    await page.getByRole('heading', { name: 'Requests & transfers' }).waitFor()
    // No ledger link in this server: the panel says why instead of an empty list.
    expect(await page.locator('.flows').textContent()).toMatch(/no ledger link is configured/)
    expect(errors).toEqual([])
    await page.close()
  })
})
