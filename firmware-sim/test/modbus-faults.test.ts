import { connect, createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import pino from 'pino'
import { bedControllerServer, type ModbusGatewayServer, type ModbusLogger, type Misbehaviour } from '../src/devices/modbus/index.js'
import type { SimComponent } from '../src/hospital/component.js'
import { adu, closeClient, failure, modbusClient, RawConnection, recordingLogger, simComponent, sleep, type ModbusRTU } from './modbus-support.js'

const servers: ModbusGatewayServer[] = []
const clients: ModbusRTU[] = []
const raws: RawConnection[] = []

afterEach(async () => {
  await Promise.all(clients.splice(0).map(closeClient))
  raws.splice(0).forEach((r) => r.close())
  await Promise.all(servers.splice(0).map((s) => s.stop()))
})

/** A bed gateway with units 1..n, started; weights 10 kg × unit id. */
async function gateway(n = 3, logger?: ModbusLogger): Promise<{ server: ModbusGatewayServer; port: number; beds: SimComponent[] }> {
  const beds = Array.from({ length: n }, (_, i) => {
    const c = simComponent(`bed-${i + 1}`, 'bed', i + 1)
    c.set('Bed/PatientWeight', 10 * (i + 1))
    c.set('Bed/HeadAngle', 0)
    return c
  })
  const server = bedControllerServer({ endpoint: { id: 'RXA/beds', hospitalId: 'RXA' }, beds: beds.map((c, i) => ({ unitId: i + 1, component: c })), logger })
  servers.push(server)
  await server.start()
  return { server, port: server.endpoint.port, beds }
}

async function client(port: number, unitId: number, timeoutMs?: number): Promise<ModbusRTU> {
  const c = await modbusClient(port, unitId, timeoutMs)
  clients.push(c)
  return c
}

async function raw(port: number): Promise<RawConnection> {
  const r = await RawConnection.open(port)
  raws.push(r)
  return r
}

const weight = async (c: ModbusRTU): Promise<number> => (await c.readInputRegisters(0, 1)).data[0]!

/** How a fresh connection ends: its error code, `closed` (clean FIN), or `open` if still up after `waitMs`. */
function connectOutcome(port: number, waitMs = 1_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const timer = setTimeout(() => (socket.destroy(), resolve('open')), waitMs)
    const done = (outcome: string): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(outcome)
    }
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? 'error'))
    socket.once('close', () => done('closed'))
  })
}

/** Resolves once the modbus-serial client has noticed its socket is gone (a reset fires 'error', not 'close'). */
async function disconnected(c: ModbusRTU, timeoutMs = 2_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (c.isOpen && Date.now() < deadline) await sleep(5)
  return !c.isOpen
}

describe('device faults behind the gateway', () => {
  it('answers 0x0B for a powered-off unit and for unknown unit ids while other units answer on', async () => {
    const { port, beds } = await gateway()
    const [one, two, unknown] = [await client(port, 1), await client(port, 2), await client(port, 42)]
    beds[0]!.powered = false
    expect(await failure(one.readInputRegisters(0, 1))).toBe(0x0b)
    expect(await weight(two)).toBe(200)
    expect(await failure(unknown.readInputRegisters(0, 1))).toBe(0x0b)
    beds[0]!.powered = true
    expect(await weight(one)).toBe(100)
  })

  it('stays silent for an unreachable unit (client timeout) and answers 0x0A while its path is refused', async () => {
    const { port, beds } = await gateway()
    const one = await client(port, 1, 300)
    beds[0]!.reachability = 'reset'
    expect(await failure(one.readInputRegisters(0, 1))).toMatch(/timed out/i)
    expect(await weight(await client(port, 2))).toBe(200)
    beds[0]!.reachability = 'refuse'
    expect(await failure(one.readInputRegisters(0, 1))).toBe(0x0a)
    beds[0]!.reachability = 'up'
    expect(await weight(one)).toBe(100)
  })
})

describe('injected protocol faults', () => {
  it.each<[Misbehaviour, RegExp | number]>([
    ['exception', 4],
    ['short-frame', /length/i],
    ['wrong-count', /length/i],
  ])('%s: the client rejects the answer; other units and the cleared unit answer normally', async (mode, expected) => {
    const { server, port } = await gateway()
    server.misbehave(1, mode)
    const one = await client(port, 1, 500)
    const result = await failure(one.readInputRegisters(0, 2))
    if (typeof expected === 'number') expect(result).toBe(expected)
    else expect(result).toMatch(expected)
    expect(await weight(await client(port, 2))).toBe(200)
    server.misbehave(1, undefined)
    expect((await one.readInputRegisters(0, 2)).data).toEqual([100, 0])
  })

  it('puts the malformation on the wire as documented', async () => {
    const { server, port } = await gateway()
    const r = await raw(port)
    server.misbehave(1, 'short-frame')
    r.socket.write(adu(1, 1, [0x04, 0, 0, 0, 2]))
    server.misbehave(2, 'wrong-count')
    r.socket.write(adu(2, 2, [0x04, 0, 0, 0, 2]))
    const [short, wrong] = await r.waitFor(2)
    expect([...short!.pdu]).toEqual([0x04, 4, 0, 100]) // byte count 4, two data bytes
    expect([...wrong!.pdu]).toEqual([0x04, 6, 0, 200, 0, 0, 0, 0]) // three registers for two asked
  })
})

describe('framing', () => {
  it('answers every request of a pipelined burst in order, and frames split across writes', async () => {
    const { port } = await gateway()
    const r = await raw(port)
    const burst = Buffer.concat(Array.from({ length: 50 }, (_, i) => adu(1000 + i, (i % 3) + 1, [0x04, 0, 0, 0, 1])))
    r.socket.write(burst)
    const responses = await r.waitFor(50)
    expect(responses.map((x) => x.transactionId)).toEqual(Array.from({ length: 50 }, (_, i) => 1000 + i))
    expect(responses.map((x) => x.pdu.readUInt16BE(2))).toEqual(Array.from({ length: 50 }, (_, i) => 10 * ((i % 3) + 1) * 10))
    const split = adu(7, 2, [0x04, 0, 0, 0, 1])
    for (const byte of split) {
      r.socket.write(Buffer.from([byte]))
      await sleep(1)
    }
    expect((await r.waitFor(51))[50]).toMatchObject({ transactionId: 7, unitId: 2 })
  })

  it('drops frames with a non-MODBUS protocol id and closes a connection whose length field is impossible', async () => {
    const log = recordingLogger()
    const { port } = await gateway(1, log)
    const r = await raw(port)
    r.socket.write(Buffer.concat([adu(1, 1, [0x04, 0, 0, 0, 1], 7), adu(2, 1, [0x04, 0, 0, 0, 1])]))
    expect((await r.waitFor(1)).map((x) => x.transactionId)).toEqual([2])
    r.socket.write(Buffer.from([0, 3, 0, 0, 0, 0, 1]))
    expect(await r.waitClosed()).toBe(true)
    expect(log.entries.map((e) => e.msg)).toEqual(expect.arrayContaining(['modbus frame with non-MODBUS protocol id dropped', 'modbus framing error: closing connection']))
  })
})

describe('network faults and lifecycle', () => {
  it('refuse: open connections drop and connects are refused; up: the same port serves again', async () => {
    const { server, port } = await gateway()
    const one = await client(port, 1)
    await server.setNetwork('refuse')
    expect(await disconnected(one)).toBe(true)
    expect(await connectOutcome(port)).toBe('ECONNREFUSED')
    await server.setNetwork('up')
    expect(server.endpoint.port).toBe(port)
    expect(await weight(await client(port, 1))).toBe(100)
  })

  it('reset: open connections see a reset, new ones are reset until up', async () => {
    const { server, port } = await gateway()
    const r = await raw(port)
    let error: string | undefined
    r.socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code))
    await server.setNetwork('reset')
    expect(await r.waitClosed()).toBe(true)
    expect(error).toBe('ECONNRESET')
    expect(await connectOutcome(port)).toBe('ECONNRESET')
    expect(server.connections).toBe(0)
    await server.setNetwork('up')
    expect(await weight(await client(port, 3))).toBe(300)
  })

  it('stop() closes every socket, frees the port and is idempotent', async () => {
    const { server, port } = await gateway(2, pino({ level: 'silent' }))
    const one = await client(port, 1)
    expect(server.connections).toBe(1)
    await server.stop()
    await server.stop()
    expect(await disconnected(one)).toBe(true)
    expect(server.connections).toBe(0)
    expect(await connectOutcome(port)).toBe('ECONNREFUSED')
    const probe = createServer()
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve))
    await new Promise<void>((resolve) => probe.close(() => resolve()))
  })
})
