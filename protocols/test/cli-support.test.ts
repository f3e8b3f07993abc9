import { parseArgs } from 'node:util'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { cliFailure, RhnError, UsageError } from '../src/index.js'

describe('cliFailure: what every RHN program prints and exits with', () => {
  const printed: string[] = []
  afterEach(() => {
    printed.length = 0
    vi.restoreAllMocks()
  })
  const init = { name: 'rhn-test', usage: () => 'Usage: rhn-test run' }
  const fail = (err: unknown, own?: (err: unknown) => number | undefined): number => {
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')))
    return cliFailure({ ...init, failure: own }, err)
  }

  it('exits 2 with the usage for a usage error or an unknown flag', () => {
    expect(fail(new UsageError('no command given'))).toBe(2)
    expect(printed[0]).toBe('rhn-test: no command given\n\nUsage: rhn-test run')
    let parseError: unknown
    try {
      parseArgs({ args: ['--nope'], options: {} })
    } catch (err) {
      parseError = err
    }
    expect(fail(parseError)).toBe(2)
    expect(printed[1]).toMatch(/^rhn-test: Unknown option '--nope'/)
  })

  it('exits 1 naming the code of an RHN error, and prints a config error as it is (it lists file, line and key)', () => {
    expect(fail(new RhnError('RHN_EDGE_MQTT_CONNECT', 'broker refused the connection'))).toBe(1)
    expect(printed[0]).toBe('rhn-test: RHN_EDGE_MQTT_CONNECT: broker refused the connection')
    expect(fail(new RhnError('RHN_PROTO_CONFIG_INVALID', 'edge.yaml:3:1: mqtt.url: required'))).toBe(1)
    expect(printed[1]).toBe('edge.yaml:3:1: mqtt.url: required')
  })

  it('lets a program handle its own failures first, and calls anything else unexpected (exit 1)', () => {
    expect(fail(new Error('special'), (err) => ((err as Error).message === 'special' ? 3 : undefined))).toBe(3)
    expect(fail(new Error('boom'), () => undefined)).toBe(1)
    expect(printed.at(-1)).toMatch(/^rhn-test: unexpected failure: Error: boom/)
  })
})
