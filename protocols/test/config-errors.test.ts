// Bad input is refused once, at start, with every problem named by key path and file line
// (house rule 5; issue 4: `rhn-edge validate` lists "every problem with its key path and line").
import { describe, expect, it } from 'vitest'
import {
  type Issue,
  parseAggregatorConfig,
  parseEdgeConfig,
  parseGenesis,
  parseLedgerConfig,
  parseScenario,
  ValidationError,
} from '../src/index.js'

/** Runs `parse`, expects a ValidationError, returns it. */
function refuse(parse: (text: string, file?: string) => unknown, text: string, file = 'cfg.yaml'): ValidationError {
  try {
    parse(text, file)
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError)
    return err as ValidationError
  }
  throw new Error('expected the input to be refused')
}

/** Expects one issue at `path` on `line` whose message contains `text`, and the error message to show both. */
function expectIssue(err: ValidationError, path: string, line: number, text: string): Issue {
  const issue = err.issues.find((i) => i.path === path)
  expect(issue, `no issue at ${path} in:\n${err.message}`).toBeDefined()
  expect(issue?.line).toBe(line)
  expect(issue?.message).toContain(text)
  expect(err.message).toMatch(new RegExp(`cfg\\.yaml:${line}:\\d+: ${path.replace(/[.[\]]/g, '\\$&')}: `))
  return issue!
}

const edgeHead = `gateway:
  groupId: RXA
  edgeNodeId: gw-1
mqtt:
  url: mqtt://127.0.0.1:1883
`

describe('edge config errors', () => {
  it('a wrong type names the key and its line', () => {
    const err = refuse(parseEdgeConfig, `${edgeHead}outbox:\n  maxBytes: lots\n`)
    expect(err.code).toBe('RHN_PROTO_CONFIG_INVALID')
    expectIssue(err, 'outbox.maxBytes', 7, 'expected number')
  })

  it('an unknown key (a typo) is an error, not ignored', () => {
    const err = refuse(parseEdgeConfig, `${edgeHead}  keepAliveS: 30\n`)
    expectIssue(err, 'mqtt', 5, 'keepAliveS')
  })

  it('a missing required key names the key and the line of its parent', () => {
    const err = refuse(parseEdgeConfig, 'gateway:\n  groupId: RXA\nmqtt:\n  url: mqtt://h\n')
    expectIssue(err, 'gateway.edgeNodeId', 2, 'expected string')
  })

  it('lists every problem at once', () => {
    const err = refuse(parseEdgeConfig, 'gateway:\n  groupId: rxa\n  edgeNodeId: GW/1\nmqtt:\n  url: http://h\n')
    expect(err.issues.map((i) => i.path)).toEqual(['gateway.groupId', 'gateway.edgeNodeId', 'mqtt.url'])
    expectIssue(err, 'mqtt.url', 5, 'mqtts://')
  })

  it('an unknown driver names the discriminator', () => {
    const err = refuse(parseEdgeConfig, `${edgeHead}devices:\n  - id: d1\n    driver: bacnet\n`)
    expectIssue(err, 'devices[0].driver', 8, 'opcua')
  })

  it('tls.cert requires tls.key, and TLS files require mqtts://', () => {
    const err = refuse(parseEdgeConfig, `${edgeHead}  tls:\n    cert: gw.crt\n`)
    expectIssue(err, 'mqtt.tls.cert', 7, 'tls.cert requires tls.key')
    expectIssue(err, 'mqtt.url', 5, 'mqtts://')
  })

  it('the HL7 listener refuses to start without its pseudonymisation key', () => {
    const err = refuse(parseEdgeConfig, `${edgeHead}devices:\n  - id: rxa-adt\n    driver: hl7-mllp\n    listen: { port: 2575 }\n`)
    expectIssue(err, 'devices[0].hmacKeyFile', 7, 'hmacKeyFile')
  })

  it('device ids are unique across drivers and across the unit ids of a gateway', () => {
    const err = refuse(
      parseEdgeConfig,
      `${edgeHead}devices:
  - { id: bed-01, driver: llrp, host: 10.0.0.1 }
  - { id: beds, driver: modbus, host: 10.0.0.2, unitIds: [1, 2], deviceIds: [bed-02, bed-01], map: bed }
  - { id: v1, driver: modbus, host: 10.0.0.3, unitIds: [1, 2], map: ventilator }
`,
    )
    expectIssue(err, 'devices[1].deviceIds[1]', 8, 'duplicate device id "bed-01"')
    expectIssue(err, 'devices[2].deviceIds', 9, 'several unitIds need deviceIds')
  })

  it('an OPC UA device needs layout or nodes, and a consistent security pair', () => {
    const err = refuse(parseEdgeConfig, `${edgeHead}devices:\n  - id: v1\n    driver: opcua\n    endpointUrl: opc.tcp://h:4840\n    securityMode: None\n`)
    expectIssue(err, 'devices[0].layout', 7, 'exactly one of layout or nodes')
    expectIssue(err, 'devices[0].securityPolicy', 7, 'securityMode None')
  })

  it('YAML syntax errors carry their line', () => {
    const err = refuse(parseEdgeConfig, `${edgeHead}outbox: [unclosed\n`)
    expect(err.code).toBe('RHN_PROTO_YAML_SYNTAX')
    expect(err.issues[0]?.line).toBeGreaterThanOrEqual(6)
  })
})

describe('aggregator config errors', () => {
  it('hospital mode needs a hospital id and a broker; region mode needs the ledger', () => {
    const hospital = refuse(parseAggregatorConfig, 'registry: r.yaml\napi:\n  tokenFile: t.yaml\n')
    expectIssue(hospital, 'hospitalId', 1, 'hospital mode requires hospitalId')
    expectIssue(hospital, 'mqtt', 1, 'requires mqtt')
    const region = refuse(parseAggregatorConfig, 'mode: region\nregistry: r.yaml\napi:\n  tokenFile: t.yaml\n')
    expectIssue(region, 'ledger', 1, 'region mode requires ledger')
  })

  it('an API without tokens is refused, and short tokens too', () => {
    const err = refuse(parseAggregatorConfig, 'hospitalId: RXA\nregistry: r\nmqtt: { url: "mqtt://h" }\napi:\n  tokens:\n    - { name: a, token: short, role: viewer }\n')
    expectIssue(err, 'api.tokens[0].token', 6, 'at least 16 characters')
  })

  it('a bad store type and a threshold out of order are named', () => {
    const base = 'hospitalId: RXA\nregistry: r\nmqtt: { url: "mqtt://h" }\napi: { tokenFile: t }\n'
    expectIssue(refuse(parseAggregatorConfig, `${base}store:\n  type: postgres\n`), 'store.type', 6, 'sqlite')
    const err = refuse(parseAggregatorConfig, `${base}escalation:\n  occupancyPercent: { opel2: 95, opel3: 92 }\n`)
    expectIssue(err, 'escalation.occupancyPercent', 6, 'rise from opel2 to opel4')
  })
})

describe('ledger config and genesis errors', () => {
  it('bootstrap peers must name their peer id', () => {
    const err = refuse(parseLedgerConfig, 'memberId: RXA\ngenesisFile: g.yaml\nbootstrap:\n  - /ip4/10.0.0.2/tcp/4001\n')
    expectIssue(err, 'bootstrap[0]', 4, '/p2p/')
  })

  it('a public key that is not 32 bytes of base64 is refused', () => {
    const text = `consortiumId: north-region
createdAt: "2025-01-06T09:00:00Z"
members:
  - id: RXA
    name: A
    publicKeys: [3ztP7b+6lwCwDN+MiDC17T5c7IdPKfjQPeXUGdkjLT==]
    peerIds: [12D3KooWGVENK7vnsjNRTAHtE189BvX8fP7myAe8xBw3zpWux6iL]
  - id: RXA
    name: B
    publicKeys: [dS+XN64HORb0EPSk0IODTDrFq3OMeifcLM94f0vYPs0=]
    peerIds: [12D3KooWLFJ7jJiEwhJkUqG39BXbWZCUVEeiNv21RiqJ7CBErYBQ]
`
    expectIssue(refuse(parseGenesis, text), 'members[0].publicKeys[0]', 6, '32-byte Ed25519')
    const dup = refuse(parseGenesis, text.replace('LT==', 'LTw='))
    expectIssue(dup, 'members[1].id', 8, 'duplicate member id "RXA"')
  })
})

const scenarioHead = `name: t
registry: ./region-north.yaml
hospitals: [RXA, RXB]
`

describe('scenario errors', () => {
  it('a severity mix that does not sum to 1 names the key and line', () => {
    const err = refuse(parseScenario, `${scenarioHead}severityMix:\n  mild: 0.8\n  severe: 0.15\n  critical: 0.1\n`)
    expectIssue(err, 'severityMix', 5, 'sum to 1')
  })

  it('a mix within ± 0.001 of 1 is accepted', () => {
    expect(() => parseScenario(`${scenarioHead}severityMix: { mild: 0.8, severe: 0.15, critical: 0.0505 }\n`)).not.toThrow()
  })

  it('surge points must rise in time', () => {
    const err = refuse(parseScenario, `${scenarioHead}surge:\n  - { atHours: 0, admissionsPerHour: 1 }\n  - { atHours: 0, admissionsPerHour: 2 }\n`)
    expectIssue(err, 'surge[1].atHours', 6, 'after the previous point')
  })

  it('faults name listed hospitals, well-formed devices, times inside the scenario', () => {
    const err = refuse(
      parseScenario,
      `${scenarioHead}faults:
  - { type: network-drop, hospital: RXC, atHours: 1, durationS: 30 }
  - { type: device-power-off, device: "Vent 1", atHours: 1, durationS: 30 }
  - { type: hl7-malformed, atHours: 99, count: 3 }
  - { type: meteor-strike, atHours: 1 }
`,
    )
    expectIssue(err, 'faults[1].device', 6, 'must be 1-64 characters')
    expectIssue(err, 'faults[3].type', 8, 'device-power-off')
    const later = refuse(
      parseScenario,
      `${scenarioHead}faults:\n  - { type: network-drop, hospital: RXC, atHours: 1, durationS: 30 }\n  - { type: hl7-malformed, atHours: 99, count: 3 }\n`,
    )
    expectIssue(later, 'faults[0].hospital', 5, 'not in hospitals')
    expectIssue(later, 'faults[1].atHours', 6, 'after the scenario ends')
  })

  it('a delivery goes to a cabinet or a hospital, not both', () => {
    const err = refuse(parseScenario, `${scenarioHead}deliveries:\n  - { atHours: 1, cabinet: c1, hospital: RXA, item: gown, quantity: 10 }\n`)
    expectIssue(err, 'deliveries[0]', 5, 'exactly one of cabinet or hospital')
  })

  it('an occupancy outside 0..1 is refused with its unit type', () => {
    const err = refuse(parseScenario, `${scenarioHead}baselineOccupancy:\n  icu: 92\n`)
    expectIssue(err, 'baselineOccupancy.icu', 5, '<=1')
  })
})
