/**
 * `make bench` — the simulator at hospital scale: one process simulating a 1,000-bed hospital on this
 * machine. Prints start-up time, CPU, RSS and the device-update rate it sustains (values written to
 * simulated components per real second, every one served to protocol clients). Figures, never asserts.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseRegistry, parseScenario } from '@rhn/protocols'
import { Simulation } from '../src/simulation.js'
import { largeHospitalRegistry, largeHospitalScenario } from './large-hospital.js'

const SPEED = Number(process.env.RHN_BENCH_SIM_SPEED ?? 60) // 60× real time (an hour a minute), as the demo scenarios run
const SECONDS = Number(process.env.RHN_BENCH_SIM_SECONDS ?? 20)

// node-opcua prints a start-up warning on stdout (W27, RSA PKCS#1 v1.5, only for a policy the simulator
// does not offer); keep the benchmark's output to its figures.
const { setWarningLogger } = await import('node-opcua')
setWarningLogger(() => undefined)

const registry = parseRegistry(largeHospitalRegistry())
const scenario = parseScenario(largeHospitalScenario(SPEED))
const sim = new Simulation({ registry, scenario, basePort: 0, dataDir: mkdtempSync(join(tmpdir(), 'rhn-bench-sim-')) })
let updates = 0
for (const c of sim.components.values()) c.onChange(() => updates++)

const beds = [...sim.components.values()].filter((c) => c.kind === 'bed').length
const vents = [...sim.components.values()].filter((c) => c.kind === 'ventilator').length
const cabinets = [...sim.components.values()].filter((c) => c.kind === 'ppe-cabinet').length
console.log(`simulator scale: ${beds} beds, ${vents} ventilators, ${cabinets} PPE cabinets, ${sim.endpoints().length} endpoints, ${SPEED}× real time, ${SECONDS} s`)

const t0 = performance.now()
await sim.start()
const startMs = performance.now() - t0
const cpu0 = process.cpuUsage()
const u0 = updates
const w0 = performance.now()
let peakRss = 0
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 500)
await new Promise((r) => setTimeout(r, SECONDS * 1000))
clearInterval(sampler)
const wall = (performance.now() - w0) / 1000
const cpu = process.cpuUsage(cpu0)
const rate = (updates - u0) / wall
await sim.stop()

const mb = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MB`
console.log(`  start-up:          ${(startMs / 1000).toFixed(1)} s (all listeners up)`)
console.log(`  device updates:    ${Math.round(rate).toLocaleString('en-GB')} values/s sustained`)
console.log(`  CPU:               ${(((cpu.user + cpu.system) / 1e6 / wall) * 100).toFixed(0)} % of one core (user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s)`)
console.log(`  RSS:               ${mb(peakRss)} peak`)
