// OPC UA security of the driver: SignAndEncrypt/Basic256Sha256 with a user from a password file, and a
// trust folder with no silent trust-all: an untrusted server is refused with where its certificate must go.
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { VENTILATOR_OPCUA_VARIABLES, type OpcuaDeviceConfig } from '@rhn/protocols'
import { freePort, ManualClock, type OpcuaVentilatorServer, type SimComponent } from '@rhn/firmware-sim'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createOpcuaDriver, trustedFolder } from '../src/drivers/opcua/index.js'
import { deviceConfig, fill, leftovers, openHandles, opcuaServer, recorder, simComponent } from './drivers-support.js'

const VENT = 'tst-icu-vent-07'
const WAIT = { timeout: 15_000, interval: 25 }

let baseline: string[]
let dir: string
let vent: SimComponent
let server: OpcuaVentilatorServer

function entry(extra: Record<string, unknown> = {}): OpcuaDeviceConfig {
  return deviceConfig<OpcuaDeviceConfig>({
    id: VENT, driver: 'opcua', endpointUrl: server.endpointUrl, securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256',
    pkiDir: 'client-pki', username: 'icu-reader', passwordFile: 'secrets/opcua-password',
    samplingIntervalMs: 0, publishingIntervalMs: 50, reconnect: { minMs: 100, maxMs: 300 }, layout: 'ventilator', ...extra,
  })
}

beforeAll(async () => {
  baseline = openHandles()
  dir = await mkdtemp(join(tmpdir(), 'rhn-drv-opcua-sec-'))
  await mkdir(join(dir, 'secrets'))
  await writeFile(join(dir, 'secrets', 'opcua-password'), 'breathe-easy\n')
  const clock = new ManualClock(Date.UTC(2025, 0, 13, 6))
  vent = simComponent(VENT, 'ventilator', 'opcua', clock)
  fill(vent)
  server = opcuaServer(await freePort(), [vent], clock, join(dir, 'server-pki'), { modes: ['SignAndEncrypt'], username: 'icu-reader', password: 'breathe-easy' })
  await server.start()
})

afterAll(async () => {
  await server?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  expect(await leftovers(baseline)).toEqual([])
})

describe('SignAndEncrypt with a trust folder', () => {
  it('connects when the server certificate was put in <pkiDir>/trusted beforehand, with the user from passwordFile', async () => {
    const trusted = trustedFolder(join(dir, 'client-pki'))
    await mkdir(trusted, { recursive: true })
    await copyFile(server.certificateFile, join(trusted, 'ventilator-gateway.pem'))
    const rec = recorder()
    const driver = createOpcuaDriver([entry()], rec, dir)
    try {
      await driver.start()
      await vi.waitFor(() => expect(VENTILATOR_OPCUA_VARIABLES.filter((v) => rec.latest(VENT, v.metric) === undefined)).toEqual([]), WAIT)
      expect(rec.latest(VENT, 'Identity/SerialNumber')?.value).toBe(vent.get('Identity/SerialNumber'))
      expect(rec.stateOf(VENT)?.online).toBe(true)
      expect(rec.errors).toEqual([])
    } finally {
      await driver.stop()
    }
  })

  it('refuses a server whose certificate is not trusted and says where it must go; following that, the next retry connects', async () => {
    const rec = recorder()
    const driver = createOpcuaDriver([entry({ pkiDir: 'other-pki' })], rec, dir)
    const trusted = trustedFolder(join(dir, 'other-pki'))
    try {
      await driver.start()
      await vi.waitFor(() => expect(rec.stateOf(VENT)).toMatchObject({ online: false, error: expect.stringContaining('not trusted') }), WAIT)
      expect(rec.stateOf(VENT)?.error).toContain(trusted)
      expect(rec.errors).toContainEqual({ device: VENT, kind: 'unreachable' })
      expect(rec.logs.some((l) => l.device === VENT && typeof l.msg === 'string' && l.msg.includes(trusted))).toBe(true)
      expect(rec.readings).toEqual([])

      // The operator does what the message says: moves the rejected certificate to the trust folder.
      const rejected = join(dir, 'other-pki', 'rejected')
      const [file] = await readdir(rejected)
      expect(file).toBeDefined()
      await mkdir(trusted, { recursive: true })
      await rename(join(rejected, file!), join(trusted, file!))
      await vi.waitFor(() => expect(rec.stateOf(VENT)?.online).toBe(true), WAIT)
      await vi.waitFor(() => expect(rec.latest(VENT, 'Identity/SerialNumber')?.value).toBe(vent.get('Identity/SerialNumber')), WAIT)
    } finally {
      await driver.stop()
    }
  })

  it('a wrong password keeps the device offline with the server’s refusal, counted and logged', async () => {
    await writeFile(join(dir, 'secrets', 'wrong'), 'not-it\n')
    const rec = recorder()
    const driver = createOpcuaDriver([entry({ passwordFile: 'secrets/wrong' })], rec, dir)
    try {
      await driver.start()
      await vi.waitFor(() => expect(rec.stateOf(VENT)).toMatchObject({ online: false, error: expect.stringMatching(/BadUserAccessDenied|BadIdentityToken/) }), WAIT)
      expect(rec.errors.filter((e) => e.device === VENT).length).toBeGreaterThan(0)
      expect(rec.readings).toEqual([])
    } finally {
      await driver.stop()
    }
  })
})
