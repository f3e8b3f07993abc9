/**
 * docker/ (issue 4 "Health", issue 7 "docker/"): no Docker engine runs here, so each file is checked by
 * what can check it — the compose file parsed as YAML and cross-checked against the files it names, the
 * Mosquitto config and ACL run by Debian's real `mosquitto` with clients that try what a gateway may and
 * may not do, the systemd unit by `systemd-analyze verify`, the Dockerfiles by a small lint, and the
 * agent-config script and aggregator config by the same commands and schemas RHN runs natively.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import mqtt, { type MqttClient } from 'mqtt'
import { parse } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseAggregatorConfig, parseEdgeConfig, parseLedgerConfig } from '@rhn/protocols'
import { MOSQUITTO_BIN, freePort, waitForPort } from '@rhn/test/harness'

const run = promisify(execFile)
const ROOT = resolve(import.meta.dirname, '../..')
const DOCKER = join(ROOT, 'docker')
const read = (path: string): string => readFileSync(join(DOCKER, path), 'utf8')
const GATEWAYS = ['gw-rxa-crit', 'gw-rxa-ward']

interface ComposeService {
  image?: string
  build?: { context: string; dockerfile: string }
  volumes?: string[]
  secrets?: (string | { source: string; target?: string })[]
  environment?: Record<string, string>
  healthcheck?: unknown
}
const compose = parse(read('compose.yaml')) as { services: Record<string, ComposeService>; volumes: Record<string, unknown>; secrets: Record<string, { file: string }> }
const agents = Object.entries(compose.services).filter(([name]) => name.startsWith('edge-gw-'))

/** The ACL file as user → topic rules. */
function aclRules(text: string): Map<string, { access: string; topic: string }[]> {
  const users = new Map<string, { access: string; topic: string }[]>()
  let user: string | undefined
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const [keyword, ...rest] = line.split(/\s+/)
    if (keyword === 'user') users.set((user = rest.join(' ')), [])
    else if (keyword === 'topic' && user !== undefined) users.get(user)!.push({ access: rest.length > 1 ? rest[0]! : 'readwrite', topic: rest.at(-1)! })
    else throw new Error(`acl: unexpected line "${line}"`)
  }
  return users
}

describe('docker/compose.yaml', () => {
  it('has the production shape: broker, InfluxDB 1.8, an aggregator, an agent per gateway, a ledger node, the region, the simulator', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['mosquitto', 'influxdb', 'aggregator', 'ledger', 'region-aggregator', 'firmware-sim', ...GATEWAYS.map((g) => `edge-${g}`)]),
    )
    expect(compose.services.influxdb!.image).toMatch(/^influxdb:1\.8(\.\d+)?$/)
    expect(compose.services.mosquitto!.image).toMatch(/^eclipse-mosquitto:2\.0\.\d+$/)
    expect(Object.keys(compose.volumes)).toEqual(
      expect.arrayContaining(['mosquitto-data', 'influxdb-data', 'aggregator-data', 'ledger-data', 'region-aggregator-data', ...GATEWAYS.map((g) => `edge-${g}-state`)]),
    )
  })

  it('keeps the ledger node\'s chains in a volume and its keys in secrets; the region reads only the ledger', () => {
    const ledger = compose.services.ledger!
    expect(ledger.volumes).toContain('ledger-data:/var/lib/rhn-ledger')
    const targets = (ledger.secrets ?? []).map((s) => (typeof s === 'string' ? s : s.target))
    expect(targets).toEqual(expect.arrayContaining(['ledger-member.key', 'ledger-peer.key', 'ledger-api.token']))
    for (const name of ['ledger-member-key', 'ledger-peer-key', 'ledger-api-token']) expect(compose.secrets[name]?.file).toMatch(/^\.\/secrets\//)
    const region = compose.services['region-aggregator']!
    expect(JSON.stringify(region)).not.toMatch(/mosquitto|influxdb/)
  })

  it('pins every image to a version, never latest', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.image, name).toMatch(/^[\w./-]+:[\w.-]+$/)
      expect(service.image, name).not.toMatch(/:latest$/)
    }
  })

  it('gives every agent its own config, a named state volume at /var/lib/rhn-edge and its own broker password', () => {
    expect(agents.map(([name]) => name.slice('edge-'.length)).sort()).toEqual([...GATEWAYS].sort())
    for (const [name, service] of agents) {
      const gateway = name.slice('edge-'.length)
      expect(service.volumes, name).toContain(`./config/${gateway}.yaml:/etc/rhn-edge/config.yaml:ro`)
      expect(service.volumes, name).toContain(`edge-${gateway}-state:/var/lib/rhn-edge`)
      expect(service.secrets, name).toContainEqual({ source: `${gateway}-mqtt`, target: 'mqtt-password' })
      expect(compose.secrets[`${gateway}-mqtt`]?.file).toBe(`./secrets/${gateway}.mqtt-password`)
    }
  })

  it('names only files that exist: Dockerfiles, the broker config and ACL, the aggregator config', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.build !== undefined) expect(existsSync(join(DOCKER, service.build.context, service.build.dockerfile)), `${name} build`).toBe(true)
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!
        // Generated by the setup steps (docker/README.md) and git-ignored: secrets and per-gateway configs.
        if (!source.startsWith('.') || source.startsWith('./secrets/') || /\/config\/(gw-.*|genesis)\.yaml$/.test(source)) continue
        expect(existsSync(join(DOCKER, source)), `${name}: ${source}`).toBe(true)
      }
    }
  })

  it('gives every gateway in compose an ACL block, and the aggregator one', () => {
    const acl = aclRules(read('mosquitto/acl'))
    for (const gateway of GATEWAYS) expect(acl.get(gateway)).toContainEqual({ access: 'readwrite', topic: `spBv1.0/RXA/+/${gateway}/#` })
    expect(acl.get('rhn-aggregator-rxa')).toContainEqual({ access: 'read', topic: 'spBv1.0/RXA/#' })
  })

  it('ships an aggregator config the aggregator schema accepts, pointing at the compose services', () => {
    const config = parseAggregatorConfig(read('config/aggregator.yaml'), 'docker/config/aggregator.yaml')
    expect(config.mqtt?.url).toBe('mqtt://mosquitto:1883')
    expect(JSON.stringify(config.store)).toContain('http://influxdb:8086')
    expect(config.ledger?.nodeUrl).toBe('http://ledger:8090')
  })

  it('ships ledger node and region configs their schemas accept, with state in the volumes and secrets from /run/secrets', () => {
    const ledger = parseLedgerConfig(read('config/ledger.yaml'), 'docker/config/ledger.yaml')
    expect(ledger.dataDir.startsWith('/var/lib/rhn-ledger/')).toBe(true)
    expect([ledger.keyFile, ledger.peerKeyFile, ledger.api.tokenFile].every((f) => f.startsWith('/run/secrets/'))).toBe(true)
    expect(ledger.fsync).toBe('always')
    const region = parseAggregatorConfig(read('config/aggregator-region.yaml'), 'docker/config/aggregator-region.yaml')
    expect(region.mode).toBe('region')
    expect(region.ledger?.nodeUrl).toBe('http://ledger:8090')
  })
})

describe('docker/firmware-sim/edge-configs.sh', () => {
  const out = mkdtempSync(join(tmpdir(), 'rhn-edge-configs-'))
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('writes agent configs the edge schema accepts, with credentials, state in the volume and /healthz on 9464', async () => {
    const env = compose.services['edge-configs']!.environment!
    await run('sh', [join(DOCKER, 'firmware-sim/edge-configs.sh')], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        SCENARIO: join(ROOT, 'protocols/examples/winter-surge.yaml'),
        OUT_DIR: out,
        RHN_SIM: `${process.execPath} --import tsx --conditions=rhn-source ${join(ROOT, 'firmware-sim/src/cli/rhn-sim.ts')}`,
      },
    })
    expect(env.GATEWAYS!.split(' ').sort()).toEqual([...GATEWAYS].sort())
    for (const gateway of GATEWAYS) {
      const config = parseEdgeConfig(readFileSync(join(out, `${gateway}.yaml`), 'utf8'), `${gateway}.yaml`)
      expect(config.gateway).toEqual({ groupId: 'RXA', edgeNodeId: gateway })
      expect(config.mqtt).toMatchObject({ url: 'mqtt://mosquitto:1883', username: gateway, passwordFile: '/run/secrets/mqtt-password' })
      expect(config.sparkplug).toMatchObject({ primaryHostId: 'rhn-aggregator-rxa', bdSeqFile: '/var/lib/rhn-edge/bdseq' })
      expect(config.outbox.dir).toBe('/var/lib/rhn-edge/outbox')
      expect(config.health).toEqual({ host: '0.0.0.0', port: 9464 })
      expect(config.devices.length).toBeGreaterThan(0)
    }
  }, 60_000)
})

describe('docker/*/Dockerfile', () => {
  const dockerfiles = readdirSync(DOCKER).filter((d) => existsSync(join(DOCKER, d, 'Dockerfile')))

  it('has one image per service', () => {
    expect(dockerfiles.sort()).toEqual(['aggregator', 'edge-agent', 'firmware-sim', 'ledger'])
  })

  for (const service of ['aggregator', 'edge-agent', 'firmware-sim', 'ledger']) {
    it(`${service}: pinned bases, pinned pnpm, a non-root USER, HEALTHCHECK, exec-form ENTRYPOINT`, () => {
      // Instructions with their continuation lines joined; comments dropped.
      const instructions = read(`${service}/Dockerfile`)
        .replace(/\\\n/g, ' ')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'))
      const from = instructions.filter((l) => /^FROM\s/i.test(l))
      expect(from.length).toBeGreaterThan(0)
      for (const line of from) {
        const image = line.split(/\s+/)[1]!
        expect(image, line).toMatch(/^[\w./-]+:[\w.-]+(@sha256:[0-9a-f]{64})?$/)
        expect(image, line).not.toMatch(/:latest\b/)
      }
      expect(instructions.some((l) => l.includes('pnpm@10.34.0'))).toBe(true)
      // The runtime stage (after the last FROM) runs as a named user, not root.
      const runtime = instructions.slice(instructions.lastIndexOf(from.at(-1)!))
      const user = runtime.filter((l) => /^USER\s/i.test(l)).at(-1)?.split(/\s+/)[1]
      expect(user).toBeDefined()
      expect(user).not.toMatch(/^(root|0)(:|$)/)
      expect(runtime.some((l) => /^HEALTHCHECK\s+(--\S+\s+)*CMD\s/i.test(l))).toBe(true)
      const entrypoint = runtime.find((l) => /^ENTRYPOINT\s/i.test(l))
      expect(entrypoint).toBeDefined()
      expect(() => JSON.parse(entrypoint!.replace(/^ENTRYPOINT\s+/i, '')) as unknown).not.toThrow()
    })
  }

  it('edge-agent: runs `rhn-edge run --config /etc/rhn-edge/config.yaml` with /var/lib/rhn-edge as a volume, health on /healthz', () => {
    const text = read('edge-agent/Dockerfile')
    expect(text).toContain('ENTRYPOINT ["rhn-edge", "run", "--config", "/etc/rhn-edge/config.yaml"]')
    expect(text).toContain('VOLUME ["/var/lib/rhn-edge"]')
    expect(text).toMatch(/HEALTHCHECK[\s\S]*\/healthz/)
    expect(text).toContain('--filter "@rhn/edge-agent..."')
  })
})

describe('docker/systemd/rhn-edge.service', () => {
  const text = read('systemd/rhn-edge.service')
  /** The unit as section → key → values (a key may repeat). */
  const unit = new Map<string, Map<string, string[]>>()
  let section = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const header = /^\[(.+)\]$/.exec(line)
    if (header !== null) unit.set((section = header[1]!), new Map())
    else {
      const eq = line.indexOf('=')
      expect(eq, line).toBeGreaterThan(0)
      const values = unit.get(section)!
      const key = line.slice(0, eq).trim()
      values.set(key, [...(values.get(key) ?? []), line.slice(eq + 1).trim()])
    }
  }
  const get = (s: string, key: string): string | undefined => unit.get(s)?.get(key)?.at(-1)

  it('runs the agent as rhn-edge with its state directory, restarts it always, and stops it with SIGTERM', () => {
    expect([...unit.keys()]).toEqual(['Unit', 'Service', 'Install'])
    expect(get('Service', 'Type')).toBe('simple')
    expect(get('Service', 'User')).toBe('rhn-edge')
    expect(get('Service', 'StateDirectory')).toBe('rhn-edge')
    expect(get('Service', 'ExecStart')).toMatch(/rhn-edge run --config \/etc\/rhn-edge\/config\.yaml$/)
    expect(get('Service', 'Restart')).toBe('always')
    expect(get('Service', 'RestartSec')).toMatch(/^\d+s?$/)
    expect(get('Service', 'KillSignal')).toBe('SIGTERM')
    expect(get('Install', 'WantedBy')).toBe('multi-user.target')
  })

  it('is hardened: no new privileges, read-only system except the state dir, no home, private /tmp', () => {
    expect(get('Service', 'NoNewPrivileges')).toBe('true')
    expect(get('Service', 'ProtectSystem')).toBe('strict')
    expect(get('Service', 'ReadWritePaths')).toBe('/var/lib/rhn-edge')
    expect(get('Service', 'ProtectHome')).toBe('true')
    expect(get('Service', 'PrivateTmp')).toBe('true')
  })

  // systemd-analyze comes with Debian's systemd package, which `make test` installs (scripts/system-deps.sh).
  const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p)) ?? '/usr/bin/systemd-analyze'
  it('passes `systemd-analyze verify` (with a stand-in for the rhn-edge binary)', async () => {
    // verify also checks that ExecStart's binary exists; it is not installed here, so point at a stub.
    const dir = mkdtempSync(join(tmpdir(), 'rhn-unit-'))
    try {
      const stub = join(dir, 'rhn-edge')
      writeFileSync(stub, '#!/bin/sh\nexit 0\n', { mode: 0o755 })
      const file = join(dir, 'rhn-edge.service')
      writeFileSync(file, text.replaceAll('/usr/local/bin/rhn-edge', stub))
      const result = await run(analyze, ['verify', file]).then(
        (r) => ({ code: 0, stderr: r.stderr }),
        (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
      )
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('docker/mosquitto: the shipped config and ACL on a real Mosquitto', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rhn-docker-mosquitto-'))
  const passwords: Record<string, string> = { 'gw-rxa-crit': 'crit-secret', 'gw-rxa-ward': 'ward-secret', 'rhn-aggregator-rxa': 'agg-secret' }
  const clients: MqttClient[] = []
  let broker: ChildProcess | undefined
  let url = ''
  let stderr = ''

  const connect = async (username: string, password = passwords[username]!): Promise<MqttClient> => {
    const client = await mqtt.connectAsync(url, { username, password, clientId: `${username}-${clients.length}`, protocolVersion: 5, reconnectPeriod: 0 })
    clients.push(client)
    return client
  }
  /** Messages `client` receives on `topic` within `ms`. */
  const received = (client: MqttClient, topic: string, ms = 300): Promise<string[]> => {
    const got: string[] = []
    const on = (t: string, payload: Buffer): void => void (t === topic && got.push(payload.toString()))
    client.on('message', on)
    return new Promise((r) => setTimeout(() => (client.off('message', on), r(got)), ms))
  }

  beforeAll(async () => {
    const port = await freePort()
    url = `mqtt://127.0.0.1:${port}`
    // The shipped file with only its paths and listener moved into a temp dir and onto loopback.
    const conf = read('mosquitto/mosquitto.conf')
    const adapted = conf
      .replace(/^listener 1883 0\.0\.0\.0$/m, `listener ${port} 127.0.0.1`)
      .replace(/^password_file .*$/m, `password_file ${join(dir, 'passwd')}`)
      .replace(/^acl_file .*$/m, `acl_file ${join(dir, 'acl')}`)
      .replace(/^persistence_location .*$/m, `persistence_location ${join(dir, 'data')}/`)
      .replace(/^log_dest stdout$/m, 'log_dest stderr')
    // Every container path in a setting was replaced (comments may still name them).
    expect(adapted.split('\n').filter((l) => !l.startsWith('#') && l.includes('/mosquitto/'))).toEqual([])
    writeFileSync(join(dir, 'mosquitto.conf'), adapted)
    writeFileSync(join(dir, 'acl'), read('mosquitto/acl'))
    const passwd = join(dir, 'passwd')
    writeFileSync(passwd, '')
    for (const [user, password] of Object.entries(passwords)) await run('mosquitto_passwd', ['-b', passwd, user, password])
    // Started as root, mosquitto drops to its own user: it must read the files and write persistence.
    mkdirSync(join(dir, 'data'))
    chmodSync(dir, 0o755)
    chmodSync(join(dir, 'data'), 0o777)
    for (const f of ['mosquitto.conf', 'acl', 'passwd']) chmodSync(join(dir, f), 0o644)
    broker = spawn(MOSQUITTO_BIN, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] })
    broker.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<never>((_, reject) => broker!.once('exit', (code) => reject(new Error(`mosquitto refused the config (exit ${code}): ${stderr}`))))
    exited.catch(() => undefined)
    await Promise.race([waitForPort(port, 10_000), exited])
  })

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)))
    if (broker !== undefined && broker.exitCode === null && broker.signalCode === null) {
      const gone = new Promise((r) => broker!.once('exit', r))
      broker.kill('SIGTERM')
      await gone
    }
    rmSync(dir, { recursive: true, force: true })
  })

  it('starts with the config: listens, and refuses anonymous clients and wrong passwords', async () => {
    expect(broker?.exitCode).toBeNull()
    await expect(mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0, clientId: 'anon' })).rejects.toThrow()
    await expect(mqtt.connectAsync(url, { username: 'gw-rxa-crit', password: 'wrong', protocolVersion: 5, reconnectPeriod: 0, clientId: 'bad' })).rejects.toThrow()
  })

  it('lets a gateway publish under its own edge node id, and not under another gateway’s', async () => {
    const aggregator = await connect('rhn-aggregator-rxa')
    await aggregator.subscribeAsync('spBv1.0/RXA/#', { qos: 1 })
    const crit = await connect('gw-rxa-crit')
    const seen = received(aggregator, 'spBv1.0/RXA/DDATA/gw-rxa-crit/vent-1')
    const forged = received(aggregator, 'spBv1.0/RXA/DDATA/gw-rxa-ward/vent-9')
    await crit.publishAsync('spBv1.0/RXA/DDATA/gw-rxa-crit/vent-1', 'own', { qos: 1 })
    // MQTT 5: the broker answers an unauthorised publish with PUBACK reason 0x87 (not authorized).
    await expect(crit.publishAsync('spBv1.0/RXA/DDATA/gw-rxa-ward/vent-9', 'forged', { qos: 1 })).rejects.toThrow()
    expect(await seen).toEqual(['own'])
    expect(await forged).toEqual([])
  })

  it('keeps a gateway out of another gateway’s commands and out of other hospitals', async () => {
    const crit = await connect('gw-rxa-crit')
    const ward = await connect('gw-rxa-ward')
    // Mosquitto 2.0 grants a SUBSCRIBE and applies read ACLs on delivery: listen and see nothing come.
    await crit.subscribeAsync(['spBv1.0/RXA/NCMD/#', 'spBv1.0/RXB/#'], { qos: 1 })
    await ward.subscribeAsync('spBv1.0/RXA/NCMD/gw-rxa-ward', { qos: 1 })
    const aggregator = await connect('rhn-aggregator-rxa')
    const toWard = received(ward, 'spBv1.0/RXA/NCMD/gw-rxa-ward')
    const overheard = received(crit, 'spBv1.0/RXA/NCMD/gw-rxa-ward')
    await aggregator.publishAsync('spBv1.0/RXA/NCMD/gw-rxa-ward', 'rebirth', { qos: 1 })
    expect(await toWard).toEqual(['rebirth'])
    expect(await overheard).toEqual([])
    await expect(crit.publishAsync('spBv1.0/RXB/NBIRTH/gw-rxa-crit', 'x', { qos: 1 })).rejects.toThrow()
  })

  it('lets the aggregator send commands and its STATE, but not data in a gateway’s name', async () => {
    const ward = await connect('gw-rxa-ward')
    await ward.subscribeAsync(['spBv1.0/RXA/NCMD/gw-rxa-ward', 'spBv1.0/STATE/rhn-aggregator-rxa'], { qos: 1 })
    const aggregator = await connect('rhn-aggregator-rxa')
    const rebirth = received(ward, 'spBv1.0/RXA/NCMD/gw-rxa-ward')
    const state = received(ward, 'spBv1.0/STATE/rhn-aggregator-rxa')
    await aggregator.publishAsync('spBv1.0/RXA/NCMD/gw-rxa-ward', 'rebirth', { qos: 1 })
    await aggregator.publishAsync('spBv1.0/STATE/rhn-aggregator-rxa', 'online', { qos: 1 })
    await expect(aggregator.publishAsync('spBv1.0/RXA/DDATA/gw-rxa-ward/bed-1', 'forged', { qos: 1 })).rejects.toThrow()
    expect(await rebirth).toEqual(['rebirth'])
    expect(await state).toEqual(['online'])
  })

  it('persists: a clean stop writes the database to persistence_location', async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)))
    const gone = new Promise((r) => broker!.once('exit', r))
    broker!.kill('SIGTERM')
    await gone
    const db = join(dir, 'data', 'mosquitto.db')
    expect(existsSync(db)).toBe(true)
    expect(() => accessSync(dirname(db), constants.R_OK)).not.toThrow()
  })
})
