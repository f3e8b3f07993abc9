// Edge node and device sessions through a real Mosquitto: births resolve names and units, data
// resolves aliases, historical data stays historical, NDEATH counts only with the current bdSeq,
// and a host that arrives late asks for the births it missed.
import { describe, expect, it } from 'vitest'
import { SimNode, ventMetrics, eventsOf, makeHost, waitFor, hostSuite, type HostUnderTest } from './host-support.js'

const suite = hostSuite()

async function started(overrides = {}): Promise<HostUnderTest> {
  const h = makeHost(suite.broker.url, overrides)
  suite.open.hosts.push(h)
  await h.host.start()
  return h
}

async function node(edgeNodeId: string, bdSeq = 0): Promise<SimNode> {
  const n = await SimNode.connect(suite.broker.url, { edgeNodeId, bdSeq })
  suite.open.nodes.push(n)
  return n
}

describe('SparkplugHost sessions', () => {
  it('resolves births (names, values, units) and data (aliases), and passes is_historical through', async () => {
    const h = await started()
    const n = await node('gw-1', 7)
    n.devices.set('vent-1', ventMetrics())
    await n.births()
    const birth = await waitFor(() => eventsOf(h.events, 'device-birth')[0], 'device-birth')
    expect(eventsOf(h.events, 'node-online')[0]).toMatchObject({ groupId: 'G1', edgeNodeId: 'gw-1', bdSeq: 7 })
    expect(birth.device).toEqual({ groupId: 'G1', edgeNodeId: 'gw-1', deviceId: 'vent-1' })
    expect(birth.metrics.map((m) => [m.name, m.value, m.historical])).toEqual([
      ['Ventilation/PEEP', 5, false],
      ['Ventilation/RespRate', 14, false],
    ])
    expect(birth.units).toEqual({ 'Ventilation/PEEP': 'cm[H2O]', 'Ventilation/RespRate': '/min' })

    await n.ddata('vent-1', [[2, 18]], { timestamp: 1_700_000_000_000 })
    await n.ddata('vent-1', [[1, 8]], { historical: true, timestamp: 1_690_000_000_000 })
    await waitFor(() => eventsOf(h.events, 'device-data').length === 2, 'two device-data')
    const [live, replayed] = eventsOf(h.events, 'device-data')
    expect(live!.metrics).toEqual([{ name: 'Ventilation/RespRate', value: 18, timestamp: 1_700_000_000_000, historical: false }])
    expect(replayed!.metrics).toEqual([{ name: 'Ventilation/PEEP', value: 8, timestamp: 1_690_000_000_000, historical: true }])
    expect(h.host.stats()).toMatchObject({ connected: true, births: 2, seqGaps: 0, unknownAliases: 0, rebirthRequests: 0 })
    expect(h.host.nodes()).toEqual([expect.objectContaining({ groupId: 'G1', edgeNodeId: 'gw-1', online: true, bdSeq: 7, devices: ['vent-1'] })])
  })

  it('ignores an NDEATH with a stale bdSeq; the current one takes the node and its devices offline', async () => {
    const h = await started()
    const n = await node('gw-2', 3)
    n.devices.set('vent-1', ventMetrics())
    n.devices.set('vent-2', ventMetrics(10))
    await n.births()
    await waitFor(() => eventsOf(h.events, 'device-birth').length === 2, 'two device-births')
    expect(h.host.stats().badPayloads).toBe(0)

    await n.ndeath(2) // the Will of an earlier connection, delivered late
    await n.ddata('vent-1', [[1, 6]])
    await waitFor(() => eventsOf(h.events, 'device-data').length === 1, 'data after the stale NDEATH')
    expect(eventsOf(h.events, 'node-offline')).toEqual([])
    expect(h.log.lines.some((l) => l.msg === 'stale NDEATH ignored')).toBe(true)

    await n.ndeath(3)
    await waitFor(() => eventsOf(h.events, 'device-death').length === 2, 'device-deaths')
    expect(eventsOf(h.events, 'node-offline')).toEqual([expect.objectContaining({ groupId: 'G1', edgeNodeId: 'gw-2' })])
    expect(eventsOf(h.events, 'device-death').map((e) => e.device.deviceId).sort()).toEqual(['vent-1', 'vent-2'])
    expect(h.host.nodes()[0]).toMatchObject({ online: false, bdSeq: 3, devices: [] })
    expect(h.host.stats().deaths).toBe(1)
  })

  it('emits device-death on DDEATH and only once', async () => {
    const h = await started()
    const n = await node('gw-3')
    n.devices.set('vent-1', ventMetrics())
    await n.births()
    await n.send('DDEATH', 'vent-1', [])
    await n.send('DDEATH', 'vent-1', [])
    await waitFor(() => h.host.stats().messages >= 4, 'four messages')
    expect(eventsOf(h.events, 'device-death')).toEqual([expect.objectContaining({ device: { groupId: 'G1', edgeNodeId: 'gw-3', deviceId: 'vent-1' } })])
  })

  it('a host that starts after the node was born asks for a rebirth on its DATA, then gets the births', async () => {
    const n = await node('gw-4', 1)
    n.devices.set('vent-1', ventMetrics())
    await n.births() // nobody listens yet
    const h = await started()
    expect(h.events).toEqual([])
    await n.ddata('vent-1', [[1, 7]])
    await n.ddata('vent-1', [[1, 7.5]])
    await waitFor(() => eventsOf(h.events, 'device-birth')[0], 'births after the rebirth request')
    // Two DATA before the births came: one rebirth request, not one per message.
    expect(n.rebirths()).toBe(1)
    expect(h.host.stats().rebirthRequests).toBe(1)
    expect(eventsOf(h.events, 'device-data')).toEqual([])
    await n.ddata('vent-1', [[1, 9]])
    const data = await waitFor(() => eventsOf(h.events, 'device-data')[0], 'data after the rebirth')
    expect(data.metrics[0]).toMatchObject({ name: 'Ventilation/PEEP', value: 9 })
  })
})
