import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { LlrpReaderServer, LlrpSimError } from '../src/devices/llrp/index.js'
import { addRoSpec } from './llrp-client.js'
import { client, closeAll, installAndStart, refused, rig, round } from './llrp-rig.js'

afterEach(closeAll)

const status = (rsp: Record<string, unknown>): unknown => (rsp.LLRPStatus as Record<string, unknown>).StatusCode

describe('LlrpReaderServer faults, as an llrpjs client sees them', () => {
  it('power-off drops the connection and refuses; after power-on the reader is fresh and the ROSpec must be reinstalled', async () => {
    const r = await rig()
    const c = await client(r)
    await installAndStart(c)
    await round(r, c)
    r.comp.powered = false
    await r.server.sync()
    await c.closed()
    expect(await refused(r.port)).toBe('ECONNREFUSED')
    r.comp.powered = true
    r.clock.advance(100) // the reader notices power on its next fault check
    await r.server.sync()
    const c2 = await client(r)
    expect(r.server.roSpecs()).toEqual([])
    expect(status(await c2.transact('START_ROSPEC', { ROSpecID: 1 }))).not.toBe('M_Success')
    await installAndStart(c2)
    expect((await round(r, c2)).length).toBe(r.cabinet.list.length)
  })

  it("network 'reset' drops the connection but keeps the ROSpec; 'refuse' closes the port; 'up' reopens the same port", async () => {
    const r = await rig()
    const c = await client(r)
    await installAndStart(c)
    await r.server.setNetwork('reset')
    await c.closed()
    await r.server.setNetwork('refuse')
    expect(await refused(r.port)).toBe('ECONNREFUSED')
    await r.server.setNetwork('up')
    expect(r.server.endpoint.port).toBe(r.port)
    const c2 = await client(r)
    expect(r.server.roSpecs()).toEqual([{ id: 1, state: 2 }])
    expect((await round(r, c2)).length).toBe(r.cabinet.list.length)
  })

  it('a component reachability fault resets the connection', async () => {
    const r = await rig()
    const c = await client(r)
    r.comp.reachability = 'reset'
    r.clock.advance(100)
    await r.server.sync()
    await c.closed()
    r.comp.reachability = 'up'
    await r.server.sync()
    await client(r)
  })

  it('sends garbage frames on demand; a well-framed bad one leaves the stream usable', async () => {
    const r = await rig()
    const c = await client(r)
    await installAndStart(c)
    expect(r.server.sendGarbage('bad-parameter')).toBe(true)
    await expect.poll(() => c.errors.length).toBeGreaterThan(0)
    expect((await round(r, c)).length).toBe(r.cabinet.list.length)
    for (const kind of ['bad-version', 'random'] as const) {
      const before = c.errors.length
      r.server.sendGarbage(kind)
      await expect.poll(() => c.errors.length).toBeGreaterThan(before)
    }
  })

  it('allows one client at a time and closes on CLOSE_CONNECTION', async () => {
    const r = await rig()
    const c = await client(r)
    const second = new net.Socket()
    const bytes = await new Promise<Buffer>((resolve) => {
      const got: Buffer[] = []
      second.on('data', (d: Buffer) => got.push(d))
      second.on('close', () => resolve(Buffer.concat(got)))
      second.connect(r.port, '127.0.0.1')
    })
    // READER_EVENT_NOTIFICATION (type 63) whose ConnectionAttemptEvent (256) status is 2: a client connection exists.
    expect(bytes.readUInt16BE(0) & 0x3ff).toBe(63)
    expect(bytes.readUInt16BE(bytes.length - 6) & 0x3ff).toBe(256)
    expect(bytes.readUInt16BE(bytes.length - 2)).toBe(2)
    expect(status(await c.transact('CLOSE_CONNECTION'))).toBe('M_Success')
    await c.closed()
    expect(r.server.connected).toBe(false)
  })

  it('answers unknown ROSpecs and bad requests with an error status, and keeps serving', async () => {
    const r = await rig()
    const c = await client(r)
    expect(status(await c.transact('ENABLE_ROSPEC', { ROSpecID: 99 }))).toBe('A_Invalid')
    await installAndStart(c)
    expect(status(await c.transact('ADD_ROSPEC', addRoSpec(1)))).toBe('A_Invalid')
    expect(status(await c.transact('STOP_ROSPEC', { ROSpecID: 1 }))).toBe('M_Success')
    expect(status(await c.transact('DELETE_ROSPEC', { ROSpecID: 0 }))).toBe('M_Success')
    expect(r.server.roSpecs()).toEqual([])
  })

  it('stop() closes the socket and frees the port, and is idempotent', async () => {
    const r = await rig()
    const c = await client(r)
    await installAndStart(c)
    await r.server.stop()
    await r.server.stop()
    await c.closed()
    expect(await refused(r.port)).toBe('ECONNREFUSED')
    const probe = net.createServer()
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(r.port, '127.0.0.1', resolve))
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    r.clock.advance(10_000) // no round or fault-check timer is left on the clock
    expect(r.server.connected).toBe(false)
  })

  it('validates its options once, naming the key', () => {
    const base = { endpoint: {}, component: {}, tags: { items: () => [] }, clock: {}, rng: {} } as unknown as ConstructorParameters<typeof LlrpReaderServer>[0]
    expect(() => new LlrpReaderServer({ ...base, missRate: 2 })).toThrow(/missRate/)
    expect(() => new LlrpReaderServer({ ...base, antennas: 0 })).toThrow(LlrpSimError)
  })
})
