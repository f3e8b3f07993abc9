// The example configs the docs show are the ones parsed here, and the committed JSON Schemas are
// the ones the code generates, so neither can drift (CONVENTIONS.md, Telegraf habit).
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  admissionsPerHourAt,
  configJsonSchemas,
  isKnownMetric,
  parseAggregatorConfig,
  parseEdgeConfig,
  parseGenesis,
  parseLedgerConfig,
  parseScenario,
  quorumSize,
  renderJsonSchema,
} from '../src/index.js'

const examples = new URL('../examples/', import.meta.url)
const schemasDir = new URL('../schemas/', import.meta.url)
const read = (name: string) => readFileSync(new URL(name, examples), 'utf8')

const parsers: Record<string, (text: string, file?: string) => unknown> = {
  'edge.example.yaml': parseEdgeConfig,
  'aggregator.example.yaml': parseAggregatorConfig,
  'aggregator-region.example.yaml': parseAggregatorConfig,
  'ledger.example.yaml': parseLedgerConfig,
  'genesis.example.yaml': parseGenesis,
  'quiet-night.yaml': parseScenario,
  'winter-surge.yaml': parseScenario,
  'pandemic-wave.yaml': parseScenario,
}

describe('example configs', () => {
  it('every example in examples/ (but the registry) has a parser here', () => {
    const files = readdirSync(examples).filter((f) => f.endsWith('.yaml') && f !== 'region-north.yaml')
    expect(files.sort()).toEqual(Object.keys(parsers).sort())
  })

  for (const [file, parse] of Object.entries(parsers)) {
    it(`${file} validates`, () => {
      expect(() => parse(read(file), file)).not.toThrow()
    })

    it(`${file} points editors at its JSON Schema`, () => {
      const ref = /# yaml-language-server: \$schema=\.\.\/schemas\/([a-z]+\.schema\.json)/.exec(read(file))
      expect(ref?.[1]).toBeDefined()
      expect(Object.keys(configJsonSchemas())).toContain(ref?.[1])
    })
  }

  it('the edge example reads as the facilities team wrote it', () => {
    const config = parseEdgeConfig(read('edge.example.yaml'))
    expect(config.gateway).toEqual({ groupId: 'RXA', edgeNodeId: 'gw-rxa-crit' })
    expect(config.devices.map((d) => d.driver)).toEqual(['opcua', 'opcua', 'modbus', 'modbus', 'llrp', 'hl7-mllp'])
    const vent2 = config.devices[1]
    expect(vent2?.driver === 'opcua' && vent2.securityMode).toBe('SignAndEncrypt')
  })

  it('every metric the examples name is in the catalogue', () => {
    const edge = parseEdgeConfig(read('edge.example.yaml'))
    const names = edge.devices.flatMap((d) => (d.driver === 'opcua' ? (d.nodes ?? []).map((n) => n.metric) : []))
    names.push(...parseAggregatorConfig(read('aggregator.example.yaml')).alarms.rules.map((r) => r.metric))
    for (const file of ['quiet-night.yaml', 'winter-surge.yaml', 'pandemic-wave.yaml']) {
      for (const f of parseScenario(read(file)).faults) if (f.type === 'sensor-stuck') names.push(f.metric)
    }
    expect(names.length).toBeGreaterThan(4)
    expect(names.filter((n) => !isKnownMetric(n))).toEqual([])
  })

  it('the scenarios name the hospitals of region-north', () => {
    for (const file of ['quiet-night.yaml', 'winter-surge.yaml', 'pandemic-wave.yaml']) {
      const s = parseScenario(read(file))
      expect(s.registry).toBe('./region-north.yaml')
      expect(s.hospitals).toEqual(['RXA', 'RXB', 'RXC'])
    }
  })

  it('the pandemic wave goes normal, outbreak, recovery over weeks', () => {
    const s = parseScenario(read('pandemic-wave.yaml'))
    expect(s.durationHours).toBeGreaterThanOrEqual(4 * 168)
    const rate = (h: number) => admissionsPerHourAt(s.surge, h)
    expect(rate(1008)).toBeGreaterThan(4 * rate(0))
    expect(rate(2016)).toBeLessThan(rate(1008) / 4)
  })

  it('the genesis quorum is more than two thirds of consensus nodes', () => {
    const g = parseGenesis(read('genesis.example.yaml'))
    const nodes = g.members.reduce((n, m) => n + m.publicKeys.length, 0)
    expect(nodes).toBe(6)
    expect(quorumSize(nodes)).toBe(5)
    expect([1, 3, 4, 7, 10].map(quorumSize)).toEqual([1, 3, 3, 5, 7])
  })
})

describe('defaults', () => {
  it('a minimal edge config gets every default, with sizes in bytes', () => {
    const config = parseEdgeConfig('gateway: { groupId: RXA, edgeNodeId: gw-1 }\nmqtt: { url: "mqtt://127.0.0.1" }\n')
    expect(config.outbox).toEqual({ dir: './outbox', maxBytes: 256 * 1024 * 1024, segmentBytes: 16 * 1024 * 1024, policy: 'drop-oldest', replayRateMsgsPerS: 5000 })
    expect(config.mqtt.reconnect).toEqual({ minMs: 1000, maxMs: 60_000, factor: 2, jitter: 0.2 })
    expect(config.sparkplug.strict).toBe(false)
    expect(config.health).toEqual({ host: '127.0.0.1', port: 9464 })
    expect(config.devices).toEqual([])
  })

  it('a minimal aggregator config stores in embedded sqlite with NHS-like escalation thresholds', () => {
    const config = parseAggregatorConfig(
      'hospitalId: RXA\nregistry: r.yaml\nmqtt: { url: "mqtt://127.0.0.1" }\napi: { tokenFile: t.yaml }\n',
    )
    expect(config.store).toMatchObject({ type: 'sqlite', retentionDays: 30 })
    expect(config.escalation.occupancyPercent).toEqual({ opel2: 85, opel3: 92, opel4: 97 })
    expect(config.escalation.ppeDaysOfSupply.opel4).toBe(3)
  })

  it('an influxdb store batches 5000 lines by default', () => {
    const config = parseAggregatorConfig(
      'hospitalId: RXA\nregistry: r.yaml\nmqtt: { url: "mqtt://h" }\napi: { tokenFile: t }\nstore: { type: influxdb, url: "http://127.0.0.1:8086" }\n',
    )
    expect(config.store.type === 'influxdb' && config.store.batchSize).toBe(5000)
    expect(config.store.type === 'influxdb' && config.store.spill.maxBytes).toBe(1024 * 1024 * 1024)
  })

  it('a ledger node listens on loopback unless told otherwise', () => {
    const config = parseLedgerConfig('memberId: RXA\ngenesisFile: g.yaml\n')
    expect(config.listen).toEqual(['/ip4/127.0.0.1/tcp/0'])
    expect(config.fsync).toBe('always')
  })

  it('surge curves interpolate linearly and hold flat outside their points', () => {
    const surge = [
      { atHours: 2, admissionsPerHour: 4 },
      { atHours: 6, admissionsPerHour: 12 },
    ]
    expect([0, 2, 4, 6, 10].map((h) => admissionsPerHourAt(surge, h))).toEqual([4, 4, 8, 12, 12])
  })
})

describe('JSON Schemas', () => {
  const generated = configJsonSchemas()

  it('the committed files in schemas/ are exactly what the code generates (run src/cli/write-schemas.ts)', () => {
    expect(readdirSync(schemasDir).sort()).toEqual(Object.keys(generated).sort())
    for (const [file, schema] of Object.entries(generated)) {
      expect(readFileSync(new URL(file, schemasDir), 'utf8'), file).toBe(renderJsonSchema(schema))
    }
  })

  it('defaulted keys are optional for editors, unknown keys are refused', () => {
    const edge = generated['edge.schema.json'] as { required: string[]; additionalProperties: boolean }
    expect(edge.required.sort()).toEqual(['gateway', 'mqtt'])
    expect(edge.additionalProperties).toBe(false)
  })

  it('every default carries a description (its unit and reason), on itself or on its parent key', () => {
    const missing: string[] = []
    // `inherited`: the parent key's description covers its children (e.g. opel2/opel3/opel4).
    const walk = (node: unknown, path: string, inherited: boolean): void => {
      if (typeof node !== 'object' || node === null) return
      const schema = node as Record<string, unknown>
      const described = typeof schema.description === 'string'
      // An empty object or list as default only says "all defaults inside" or "none": nothing to explain.
      const trivial = ['{}', '[]'].includes(JSON.stringify(schema.default))
      if ('default' in schema && !trivial && !described && !inherited) missing.push(path)
      for (const [key, child] of Object.entries((schema.properties ?? {}) as Record<string, unknown>)) walk(child, `${path}.${key}`, described)
      for (const key of ['items', 'additionalProperties', 'anyOf', 'oneOf']) {
        const sub = schema[key]
        for (const [i, child] of (Array.isArray(sub) ? sub : [sub]).entries()) walk(child, `${path}.${key}${i}`, described || inherited)
      }
    }
    for (const [file, schema] of Object.entries(generated)) walk(schema, file, false)
    expect(missing).toEqual([])
  })
})
