import type { Hl7Message } from '@medplum/core'
import { type Hl7MessageEvent, Hl7Server } from '@medplum/hl7'
import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock, RealtimeClock } from '../src/clock.js'
import { Hl7AdtSender } from '../src/devices/hl7/index.js'
import { type Received, StubSource, T0, TestListener, adtEvent, controlIdOf, freePort, senderInit, stubComponent, waitFor } from './hl7-support.js'

const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

function setup(port: number, extra: Partial<ConstructorParameters<typeof Hl7AdtSender>[0]> = {}) {
  const clock = new ManualClock(T0)
  const source = new StubSource()
  const component = stubComponent(clock)
  const sender = new Hl7AdtSender({ ...senderInit(port, clock, source, component), ...extra })
  cleanup.push(() => clock.close(), () => sender.stop())
  return { clock, source, component, sender }
}

async function listen(port = 0): Promise<TestListener> {
  const l = await TestListener.start(port)
  cleanup.push(() => l.stop())
  return l
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Advances virtual time in steps, letting real I/O run between them, until `cond` holds. */
async function advanceUntil(clock: ManualClock, cond: () => boolean, what: string, stepMs = 1_000): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) {
    clock.advance(stepMs)
    await sleep(5)
  }
  await waitFor(cond, what)
}

/** What is wrong with a frame, as a strict listener would say; undefined when it is a valid ADT. */
function problem(r: Received): string | undefined {
  if (r.message === undefined || r.message.header.name !== 'MSH') return /^[A-Z][A-Z0-9]{2}\|/.test(r.text) ? 'missing MSH' : 'not HL7'
  if (r.message.header.getField(12).toString() !== '2.5.1') return 'wrong version'
  const names = r.message.segments.map((s) => s.name).filter((n) => n !== '')
  if (names.some((n) => !/^[A-Z][A-Z0-9]{2}$/.test(n))) return 'bad segment'
  if (!names.includes('PID') || !names.includes('PV1')) return 'missing PID or PV1'
  return undefined
}

describe('Hl7AdtSender', () => {
  it('delivers A01, A02, A03, A08 in order to @medplum/hl7 Hl7Server, each ACKed, with the expected PID/PV1', async () => {
    const port = await freePort()
    const got: Hl7Message[] = []
    const server = new Hl7Server((conn) =>
      conn.addEventListener('message', (ev: Hl7MessageEvent) => {
        got.push(ev.message)
        conn.send(ev.message.buildAck())
      }),
    )
    server.start(port)
    cleanup.push(() => server.stop()) // after the sender has stopped: close() waits for its connection
    await waitFor(() => server.server?.listening === true, 'Hl7Server listening')
    const { source, sender } = setup(port)
    await sender.start()
    const events = [
      adtEvent('A01', 1, { patientClass: 'E', toUnit: 'rxa-ed', bedId: 'rxa-ed-trolley-3', severity: 'mild' }),
      adtEvent('A02', 2, { fromUnit: 'rxa-ed', fromBedId: 'rxa-ed-trolley-3', severity: 'critical' }),
      adtEvent('A03', 3),
      adtEvent('A08', 4, { severity: 'severe' }),
    ]
    for (const e of events) source.emit(e)
    await waitFor(() => sender.counters.acked === 4, '4 ACKs')
    expect(got.map((m) => m.header.getComponent(9, 2))).toEqual(['A01', 'A02', 'A03', 'A08'])
    expect(got.map((m) => m.header.getField(10).toString())).toEqual(['RXA00000001', 'RXA00000002', 'RXA00000003', 'RXA00000004'])
    for (const [i, m] of got.entries()) {
      const pid = m.getSegment('PID')!
      expect(pid.getComponent(3, 1, undefined, 0)).toBe(events[i]!.patient.mrn)
      expect(pid.getComponent(3, 4, undefined, 1)).toBe('NHS')
      expect(pid.getComponent(3, 1, undefined, 1)).toBe('9990000026')
      expect(pid.getComponent(5, 1)).toBe('Testpatient')
      expect(m.getSegment('PV1')!.getComponent(3, 1)).toBe(events[i]!.toUnit)
      expect(m.getAllSegments('OBX')[1]!.getComponent(5, 4)).toBe(events[i]!.severity)
    }
    expect(got[0]!.getSegment('PV1')!.getField(2).toString()).toBe('E')
    expect(got[0]!.getSegment('PV1')!.getField(3).toString()).toBe('rxa-ed^bay-a^rxa-ed-trolley-3^RXA')
    expect(got[1]!.getSegment('PV1')!.getField(6).toString()).toBe('rxa-ed^^rxa-ed-trolley-3^RXA')
    expect(got[2]!.getSegment('PV1')!.getField(45).toString()).toBe('20240101115900.003+0000')
    expect(sender.counters).toEqual({ sent: 4, acked: 4, resent: 0, rejected: 0, givenUp: 0, malformedSent: 0, malformedRejected: 0, queued: 0 })
  })

  it('resends the same message after each ACK timeout, up to maxResends, then gives it up and sends the next', async () => {
    const l = await listen()
    l.answer = (r) => (controlIdOf(r) === 'RXA00000001' ? 'none' : 'AA')
    const { clock, source, sender } = setup(l.port, { ackTimeoutMs: 1_000, maxResends: 2 })
    await sender.start()
    source.emit(adtEvent('A01', 1))
    source.emit(adtEvent('A08', 2))
    await waitFor(() => l.frames.length === 1, 'first transmission')
    clock.advance(999)
    await sleep(30)
    expect(l.frames).toHaveLength(1) // nothing before the timeout, and message 2 waits its turn
    clock.advance(1)
    await waitFor(() => l.frames.length === 2, 'first resend')
    clock.advance(1_000)
    await waitFor(() => l.frames.length === 3, 'second resend')
    expect(l.frames.map(controlIdOf)).toEqual(['RXA00000001', 'RXA00000001', 'RXA00000001'])
    expect(l.frames[2]!.body).toEqual(l.frames[0]!.body) // byte for byte, MSH-7 included
    clock.advance(1_000)
    await waitFor(() => sender.counters.acked === 1, 'next message ACKed')
    expect(l.frames.map(controlIdOf)).toEqual(['RXA00000001', 'RXA00000001', 'RXA00000001', 'RXA00000002'])
    expect(sender.counters).toMatchObject({ sent: 2, resent: 2, givenUp: 1, acked: 1, queued: 0 })
  })

  it('queues while the listener is down and delivers everything in order once it is up', async () => {
    const port = await freePort()
    const { clock, source, sender } = setup(port)
    await sender.start() // refused: resolves anyway, a reconnect is scheduled
    const types = ['A01', 'A01', 'A02', 'A08', 'A03', 'A01'] as const
    types.forEach((t, i) => source.emit(adtEvent(t, i + 1)))
    for (let i = 0; i < 5; i++) {
      clock.advance(1_000)
      await sleep(10) // a few refused attempts, backing off
    }
    expect(sender.counters).toMatchObject({ sent: 0, queued: 6 })
    const l = await listen(port)
    await advanceUntil(clock, () => l.connections === 1, 'reconnected') // then real time only: no ACK timeout fires
    await waitFor(() => sender.counters.acked === 6, 'all 6 ACKed')
    expect(l.frames.map(controlIdOf)).toEqual(types.map((_, i) => `RXA0000000${i + 1}`))
    expect(l.frames.map((f) => f.message!.header.getComponent(9, 2))).toEqual([...types])
    expect(sender.counters).toMatchObject({ sent: 6, acked: 6, resent: 0, queued: 0 })
  })

  it('counts AE and AR as rejected, does not resend them, and moves on', async () => {
    const l = await listen()
    l.answer = (_r, i) => (['AE', 'AR'] as const)[i] ?? 'AA'
    const { clock, source, sender } = setup(l.port)
    await sender.start()
    for (let i = 1; i <= 3; i++) source.emit(adtEvent('A08', i))
    await waitFor(() => sender.counters.acked === 1, 'third message ACKed')
    clock.advance(10_000)
    await sleep(30)
    expect(l.frames.map(controlIdOf)).toEqual(['RXA00000001', 'RXA00000002', 'RXA00000003'])
    expect(sender.counters).toMatchObject({ sent: 3, acked: 1, rejected: 2, resent: 0, queued: 0 })
  })

  it('sends each kind of malformed message, distinguishable by a strict listener, and valid traffic resumes', async () => {
    const l = await listen()
    l.answer = (r) => (problem(r) === undefined ? 'AA' : 'AR')
    const { source, sender } = setup(l.port)
    await sender.start()
    sender.sendMalformed(6)
    source.emit(adtEvent('A01', 1))
    await waitFor(() => sender.counters.acked === 1, 'valid A01 ACKed after the malformed ones')
    expect(l.received.filter((r) => !r.terminated)).toHaveLength(1) // the unterminated frame
    const malformed = l.frames.slice(0, -1)
    expect(new Set(malformed.map(problem))).toEqual(new Set(['missing MSH', 'not HL7', 'wrong version', 'bad segment', 'missing PID or PV1']))
    expect(problem(l.frames.at(-1)!)).toBeUndefined()
    expect(controlIdOf(l.frames.at(-1)!)).toBe('RXA00000007')
    expect(sender.counters).toMatchObject({ malformedSent: 6, malformedRejected: 5, sent: 1, acked: 1, rejected: 0, queued: 0 })
  })

  it('stamps MSH-7 with the feed component clock, so clock skew shows', async () => {
    const l = await listen()
    const { clock, source, component, sender } = setup(l.port)
    await sender.start()
    component.clockSkewMs = -5 * 60_000
    clock.advance(2_000)
    source.emit(adtEvent('A01', 1))
    await waitFor(() => l.frames.length === 1, 'frame')
    expect(l.frames[0]!.message!.header.getField(7).toString()).toBe('20240101115502.000+0000')
  })

  it('after a dropped connection resends the unanswered message; refuse stays down until up', async () => {
    const l = await listen()
    l.answer = (_r, i) => (i === 0 ? 'none' : 'AA')
    const { clock, source, sender } = setup(l.port)
    await sender.start()
    source.emit(adtEvent('A01', 1))
    source.emit(adtEvent('A01', 2))
    await waitFor(() => l.frames.length === 1, 'first frame')
    await sender.setNetwork('refuse')
    await waitFor(() => l.sockets.size === 0, 'connection dropped')
    clock.advance(120_000)
    await sleep(30)
    expect(l.connections).toBe(1)
    await sender.setNetwork('up')
    await waitFor(() => sender.counters.acked === 2, 'both ACKed')
    expect(l.frames.map(controlIdOf)).toEqual(['RXA00000001', 'RXA00000001', 'RXA00000002'])
    expect(sender.counters).toMatchObject({ sent: 2, resent: 1, givenUp: 0, queued: 0 })
    await sender.setNetwork('reset')
    await advanceUntil(clock, () => l.connections === 3, 'reconnect after reset')
  })

  it('stops sending while the feed component is powered off, and delivers the queue when it is back', async () => {
    const l = await listen()
    const { clock, source, component, sender } = setup(l.port)
    await sender.start()
    component.powered = false
    clock.advance(1_000)
    await waitFor(() => l.sockets.size === 0, 'connection dropped at power-off')
    source.emit(adtEvent('A01', 1))
    source.emit(adtEvent('A03', 2))
    clock.advance(60_000)
    await sleep(30)
    expect(sender.counters).toMatchObject({ sent: 0, queued: 2 })
    component.powered = true
    await advanceUntil(clock, () => l.connections === 2, 'reconnected at power-on')
    await waitFor(() => sender.counters.acked === 2, 'queue delivered')
    expect(l.frames.map(controlIdOf)).toEqual(['RXA00000001', 'RXA00000002'])
  })

  it('runs on a compressed RealtimeClock: the ACK timeout is virtual, floored at 20 ms of real time', async () => {
    const l = await listen()
    l.answer = (_r, i) => (i === 0 ? 'none' : 'AA')
    const clock = new RealtimeClock(T0, 1_000) // 10 s virtual = 10 ms real, under the floor
    const source = new StubSource()
    const sender = new Hl7AdtSender({ ...senderInit(l.port, clock, source), ackTimeoutMs: 10_000 })
    cleanup.push(() => clock.close(), () => sender.stop())
    await sender.start()
    const sentAt = performance.now()
    source.emit(adtEvent('A01', 1))
    await waitFor(() => sender.counters.acked === 1, 'ACK after one resend')
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(19)
    expect(l.frames.map(controlIdOf)).toEqual(['RXA00000001', 'RXA00000001'])
    expect(sender.counters).toMatchObject({ sent: 1, resent: 1, acked: 1 })
  })

  it('stop() closes the socket, timers and subscription, and is idempotent', async () => {
    const l = await listen()
    const { clock, source, sender } = setup(l.port)
    await sender.start()
    await waitFor(() => l.sockets.size === 1, 'connected')
    await sender.stop()
    await sender.stop()
    await waitFor(() => l.sockets.size === 0, 'socket closed')
    expect(source.subscribers).toBe(0)
    clock.advance(120_000)
    await sleep(30)
    expect(l.connections).toBe(1)

    const port = await freePort()
    const down = setup(port)
    await down.sender.start() // refused: a reconnect is pending
    await down.sender.stop()
    const late = await listen(port)
    down.clock.advance(120_000)
    await sleep(30)
    expect(late.connections).toBe(0)
  })
})
