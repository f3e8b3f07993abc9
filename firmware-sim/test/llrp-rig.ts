/** Test rig for the LLRP reader: a fake cabinet, a reader on a free loopback port, llrpjs clients. */
import net from 'node:net'
import type { Component, PpeItem } from '@rhn/protocols'
import * as epcTdsModule from 'epc-tds'
import { expect } from 'vitest'
import { ManualClock } from '../src/clock.js'
import { LlrpReaderServer, type LlrpReaderInit, type TagItem, type TagSource } from '../src/devices/llrp/index.js'
import { SimComponent } from '../src/hospital/component.js'
import { createRng } from '../src/rng.js'
import { addRoSpec, TestLlrpClient, tagsOf } from './llrp-client.js'

// epc-tds ships CJS whose default export is missing at runtime (STACK.md).
export const tds = ((epcTdsModule as unknown as { default?: unknown }).default ?? epcTdsModule) as typeof epcTdsModule.default.default

export const START = Date.UTC(2024, 0, 15, 8, 0, 0)
/** GTIN-14s with valid check digits (epc-tds recomputes them). */
const GTINS: Record<string, PpeItem> = { '05012345000015': 'ffp3-mask', '05012345000022': 'gown', '05012345000039': 'gloves', '05012345000046': 'visor' }

/** A cabinet's contents, with EPCs built the way a tag printer does (SGTIN-96, filter 1 = POS item). */
export class FakeCabinet implements TagSource {
  list: TagItem[] = []
  private serial = 1000
  constructor(perGtin: number) {
    for (const gtin of Object.keys(GTINS)) for (let i = 0; i < perGtin; i++) this.deliver(gtin)
  }
  deliver(gtin: string): TagItem {
    const epc = new tds.Sgtin96().setFilter(1).setPartition(5).setGtin(gtin).setSerial(this.serial++).toHexString().toLowerCase()
    const item = { epc, gtin, item: GTINS[gtin]!, antenna: 1 + (this.list.length % 5) }
    this.list.push(item)
    return item
  }
  take(epc: string): void {
    this.list = this.list.filter((i) => i.epc !== epc)
  }
  items(): readonly TagItem[] {
    return this.list
  }
}

const component = (clock: ManualClock): SimComponent =>
  new SimComponent(
    {
      id: 'rxa-icu-ppe-1',
      name: 'ICU PPE cabinet 1',
      kind: 'ppe-cabinet',
      binding: { gateway: 'rxa-gw-1', device: 'ppe-1', protocol: 'llrp' },
      capacity: { beds: 0, ventilators: 0, ventilatorCapable: false, isolation: false, ppe: [] },
      attributes: [],
      expectedIntervalS: 60,
      hospitalId: 'RXA',
      unitId: 'rxa-icu',
      sectionId: 'rxa-icu-a',
    } satisfies Component,
    clock,
  )

export interface Rig {
  clock: ManualClock
  comp: SimComponent
  cabinet: FakeCabinet
  server: LlrpReaderServer
  port: number
}

const open: { server: LlrpReaderServer; clients: TestLlrpClient[] }[] = []

export async function rig(over: Partial<LlrpReaderInit> = {}, seed = 7): Promise<Rig> {
  const clock = new ManualClock(START)
  const comp = component(clock)
  const cabinet = new FakeCabinet(3)
  const server = new LlrpReaderServer({
    endpoint: { id: 'rxa-icu-ppe-1', hospitalId: 'RXA', protocol: 'llrp', kind: 'LLRP RFID reader', address: '', host: '127.0.0.1', port: 0, components: [{ id: comp.id }] },
    component: comp,
    tags: cabinet,
    clock,
    rng: createRng(seed, 'rxa-icu-ppe-1/llrp'),
    missRate: 0,
    ...over,
  })
  await server.start()
  open.push({ server, clients: [] })
  return { clock, comp, cabinet, server, port: server.endpoint.port }
}

export async function client(r: Rig): Promise<TestLlrpClient> {
  const c = new TestLlrpClient(r.port)
  open.find((o) => o.server === r.server)?.clients.push(c)
  const hello = await c.connect()
  const event = hello.toLLRPData().data.ReaderEventNotificationData as Record<string, Record<string, unknown>>
  expect(event.ConnectionAttemptEvent?.Status).toBe('Success')
  return c
}

export async function installAndStart(c: TestLlrpClient, id = 1): Promise<void> {
  for (const [name, data] of [['ADD_ROSPEC', addRoSpec(id)], ['ENABLE_ROSPEC', { ROSpecID: id }], ['START_ROSPEC', { ROSpecID: id }]] as const) {
    const rsp = await c.transact(name, data)
    expect((rsp.LLRPStatus as Record<string, unknown>).StatusCode, name).toBe('M_Success')
  }
}

/** Runs one inventory round on the virtual clock and returns the tags of its report. */
export async function round(r: Rig, c: TestLlrpClient, ms = 1000): Promise<ReturnType<typeof tagsOf>> {
  r.clock.advance(ms)
  return tagsOf(await c.next('RO_ACCESS_REPORT'))
}

export const refused = (port: number): Promise<string> =>
  new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1')
    s.once('connect', () => {
      s.destroy()
      resolve('connected')
    })
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'))
  })

/** Closes every client and reader a test opened (call from afterEach). */
export async function closeAll(): Promise<void> {
  for (const o of open.splice(0)) {
    for (const c of o.clients) await c.close().catch(() => undefined)
    await o.server.stop()
  }
}

