/**
 * Connection concerns of the edge node: mutual TLS against Mosquitto, username/password against
 * aedes, reconnect backoff, and a clean stop while the broker is unreachable.
 */
import { createServer, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startMosquitto, freePort } from '@rhn/test/harness'
import { Backoff } from '../src/sparkplug/index.js'
import { makeNode, makePki, rm, startAedes, tempDir, until } from './edge-node-support.js'

const cleanup: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
})

async function scratch(): Promise<string> {
  const dir = await tempDir()
  cleanup.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

describe('SparkplugEdgeNode connection', () => {
  it('connects over mutual TLS with CA, certificate and key read from files; without a client certificate it is refused', async () => {
    const dir = await scratch()
    const pki = await makePki(dir)
    const broker = await startMosquitto({ tls: { cafile: pki.ca, certfile: pki.serverCert, keyfile: pki.serverKey, requireCertificate: true } })
    cleanup.push(() => broker.stop())
    expect(broker.url.startsWith('mqtts://')).toBe(true)

    const good = makeNode(broker.url, dir, { mqtt: { url: broker.url, tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey } } }).node
    cleanup.push(() => good.stop())
    await good.start()
    await until(() => good.metrics().nodeBirths === 1, 10_000, 'NBIRTH over mutual TLS')

    const noCert = makeNode(broker.url, `${dir}/other`, { mqtt: { url: broker.url, clientId: 'no-cert', tls: { ca: pki.ca }, reconnect: { minMs: 50, maxMs: 100 } } }).node
    cleanup.push(() => noCert.stop())
    await noCert.start()
    await until(() => noCert.metrics().connectFailures >= 2, 10_000, 'refused without a client certificate')
    expect(noCert.metrics().connected).toBe(0)
  })

  it('names the TLS file it cannot read', async () => {
    const dir = await scratch()
    const { node } = makeNode('mqtts://127.0.0.1:1', dir, { mqtt: { url: 'mqtts://127.0.0.1:1', tls: { ca: `${dir}/missing.pem` } } })
    await expect(node.start()).rejects.toMatchObject({ code: 'RHN_EDGE_BROKER', message: expect.stringContaining('mqtt.tls.ca') })
  })

  it('authenticates with username and password', async () => {
    const dir = await scratch()
    const aedes = await startAedes()
    cleanup.push(() => aedes.close())
    aedes.broker.authenticate = (_client, username, password, done) => done(null, username === 'gw-1' && password?.toString() === 's3cret')

    const ok = makeNode(aedes.url, dir, { mqtt: { url: aedes.url, username: 'gw-1', password: 's3cret' } }).node
    cleanup.push(() => ok.stop())
    await ok.start()
    await until(() => ok.metrics().nodeBirths === 1, 5_000, 'NBIRTH with credentials')

    const bad = makeNode(aedes.url, `${dir}/bad`, { mqtt: { url: aedes.url, clientId: 'bad', username: 'gw-1', password: 'wrong', reconnect: { minMs: 50, maxMs: 100 } } }).node
    cleanup.push(() => bad.stop())
    await bad.start()
    await until(() => bad.metrics().connectFailures >= 2, 5_000, 'refused with a wrong password')
    expect(bad.metrics().nodeBirths).toBe(0)
  })

  it('stops at once while the broker is unreachable, leaving no retry behind', async () => {
    const dir = await scratch()
    const port = await freePort()
    const url = `mqtt://127.0.0.1:${port}`
    const { node } = makeNode(url, dir, { mqtt: { url, reconnect: { minMs: 20, maxMs: 40 } } })
    await node.start()
    await until(() => node.metrics().connectFailures >= 3, 5_000, 'retries')
    const t = Date.now()
    await node.stop()
    expect(Date.now() - t).toBeLessThan(1_000)
    const failures = node.metrics().connectFailures
    await new Promise((r) => setTimeout(r, 200))
    expect(node.metrics().connectFailures).toBe(failures)
  })

  it('gives up a connect that never gets its CONNACK when stopped', async () => {
    const dir = await scratch()
    const sockets = new Set<Socket>()
    let accepted = 0
    // Accepts TCP, reads and never answers MQTT.
    const silent = createServer((s) => {
      accepted++
      sockets.add(s)
      s.resume()
      s.on('close', () => sockets.delete(s))
    })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    cleanup.push(() => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), silent.close(resolve))))
    const url = `mqtt://127.0.0.1:${(silent.address() as { port: number }).port}`
    const { node } = makeNode(url, dir, { mqtt: { url, connectTimeoutMs: 30_000 } })
    await node.start()
    await until(() => accepted === 1, 5_000, 'TCP connection')
    const t = Date.now()
    await node.stop()
    expect(Date.now() - t).toBeLessThan(1_000)
    await until(() => sockets.size === 0, 2_000, 'socket closed by the node')
    expect(accepted).toBe(1)
  })

  it('backs off exponentially from minMs to the cap, with jitter, and starts over after reset', () => {
    const even = new Backoff({ minMs: 100, maxMs: 1_000, factor: 2, jitter: 0.2 }, () => 0.5)
    expect([1, 2, 3, 4, 5, 6].map(() => even.next())).toEqual([100, 200, 400, 800, 1_000, 1_000])
    even.reset()
    expect(even.next()).toBe(100)
    const low = new Backoff({ minMs: 100, maxMs: 1_000, jitter: 0.2 }, () => 0)
    const high = new Backoff({ minMs: 100, maxMs: 1_000, jitter: 0.2 }, () => 0.999_999)
    expect(low.next()).toBe(80)
    expect(high.next()).toBe(120)
  })
})
