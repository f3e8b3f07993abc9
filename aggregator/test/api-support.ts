/**
 * A small fake twin and store for the API, FHIR and page tests (the real ones are wired by the
 * aggregator; these stub the `TwinView` and `TelemetryStore` interfaces, house rule 11).
 */
import pino from 'pino'
import type { FastifyInstance } from 'fastify'
import { createApiServer, type ApiServerOptions, type ApiToken } from '../src/api/index.js'
import type { HistoryPoint, HistoryQuery, StoreStats, TelemetryStore } from '../src/store/types.js'
import type { Alarm, AssetView, CurrentValue, Rollup, TwinEvent, TwinNode, TwinView } from '../src/twin/types.js'

/** Fixed clock of the fakes: 2025-03-01T10:00:00Z. */
export const NOW = Date.parse('2025-03-01T10:00:00Z')

/** One token per role. */
export const TOKENS = {
  viewer: { name: 'Vic Viewer', token: 'viewer-token-0123456789', role: 'viewer' },
  engineer: { name: 'Erin Engineer', token: 'engineer-token-0123456789', role: 'engineer' },
  admin: { name: 'Ada Admin', token: 'admin-token-0123456789', role: 'admin' },
} as const satisfies Record<string, ApiToken>

/** `authorization` header for a role. */
export const auth = (role: keyof typeof TOKENS) => ({ authorization: `Bearer ${TOKENS[role].token}` })

function rollup(p: { beds?: [number, number]; vents?: [number, number]; icu?: boolean; alarms?: number } = {}): Rollup {
  const [total, occupied] = p.beds ?? [0, 0]
  const [vTotal, vUse] = p.vents ?? [0, 0]
  const beds = { total, occupied, available: total - occupied }
  return {
    beds: { ...beds, byUnitType: p.icu === true ? { icu: beds } : p.beds === undefined ? {} : { ward: beds } },
    ventilators: { total: vTotal, inUse: vUse, available: vTotal - vUse, alarming: 0 },
    ppe: p.icu === true ? { '05012345678900': { item: 'ffp3-mask', stock: 120, burnPerDay: 40, daysOfSupply: 3 } } : {},
    patients: { census: occupied, admissions: 1, discharges: 0 },
    devices: { total: total + vTotal, online: total + vTotal, stale: 0 },
    alarms: { active: p.alarms ?? 0 },
  }
}

const component = (id: string, name: string, kind: 'bed' | 'ventilator'): TwinNode => ({ level: 'component', id, name, kind, rollup: rollup(), online: true, lastSeen: NOW, stale: false, children: [] })

const cv = (value: CurrentValue['value'], unit?: string, timestamp = NOW): CurrentValue => ({ value, timestamp, ...(unit === undefined ? {} : { unit }) })

/** A fake twin: hospital RXA ▸ ICU (bay A: 2 ventilators, 2 beds) and Ward 3 (bay B: 1 bed). */
export class FakeTwin implements TwinView {
  readonly listeners = new Set<(e: TwinEvent) => void>()
  readonly changeListeners = new Set<() => void>()
  /** Every `acknowledge` call, in order. */
  readonly acks: { id: string; by: string }[] = []
  readonly assets = new Map<string, AssetView>()
  readonly alarmList: Alarm[]

  constructor() {
    const icuPath = ['RXA', 'rxa-icu', 'rxa-icu-bay-a']
    const wardPath = ['RXA', 'rxa-ward-3', 'rxa-ward-3-bay-b']
    const asset = (id: string, name: string, kind: AssetView['kind'], path: string[], values: Record<string, CurrentValue>, online = true): void => {
      this.assets.set(id, { id, name, kind, path, online, lastSeen: NOW, stale: false, values, alarms: [] })
    }
    asset('rxa-icu-vent-01', 'Ventilator 01', 'ventilator', icuPath, {
      'Ventilation/PEEP': cv(8.1, 'cm[H2O]'),
      'Ventilation/RespiratoryRate': cv(14, '/min'),
      'Ventilation/FiO2': cv(40, '%'),
      'Status/OperatingMode': cv('VC-CMV'),
      'Identity/Manufacturer': cv('Acme Medical'),
      'Identity/Model': cv('V-500'),
      'Identity/SerialNumber': cv('SN-0001'),
    })
    asset('rxa-icu-vent-02', 'Ventilator 02', 'ventilator', icuPath, { 'Status/OperatingMode': cv('standby'), 'Ventilation/PEEP': cv(0, 'cm[H2O]') }, false)
    asset('rxa-icu-bed-01', 'ICU Bed 1', 'bed', icuPath, { 'Bed/Occupied': cv(true), 'Bed/PatientWeight': cv(81.5, 'kg') })
    asset('rxa-icu-bed-02', 'ICU Bed 2', 'bed', icuPath, { 'Bed/Occupied': cv(false) })
    asset('rxa-ward-3-bed-01', 'Ward 3 Bed 1', 'bed', wardPath, { 'Bed/Occupied': cv(true) })
    this.alarmList = [
      { id: 'alarm-1', asset: 'rxa-icu-vent-01', source: 'device', key: 'rxa-icu-vent-01/HighPressure', priority: 'high', message: 'airway pressure above the high limit', state: 'active', raisedAt: NOW - 60_000, path: icuPath },
      { id: 'alarm-2', asset: 'rxa-ward-3-bed-01', source: 'bed-exit', key: 'rxa-ward-3-bed-01/BedExit', priority: 'medium', message: 'patient left the bed', state: 'cleared', raisedAt: NOW - 600_000, clearedAt: NOW - 500_000, path: wardPath },
    ]
    this.assets.get('rxa-icu-vent-01')!.alarms.push(this.alarmList[0]!)
  }

  tree(): TwinNode {
    const bayA: TwinNode = {
      level: 'section', id: 'rxa-icu-bay-a', name: 'Bay A', rollup: rollup({ beds: [2, 1], vents: [2, 1], icu: true, alarms: 1 }),
      children: [component('rxa-icu-vent-01', 'Ventilator 01', 'ventilator'), { ...component('rxa-icu-vent-02', 'Ventilator 02', 'ventilator'), online: false }, component('rxa-icu-bed-01', 'ICU Bed 1', 'bed'), component('rxa-icu-bed-02', 'ICU Bed 2', 'bed')],
    }
    const bayB: TwinNode = { level: 'section', id: 'rxa-ward-3-bay-b', name: 'Bay B', rollup: rollup({ beds: [1, 1] }), children: [component('rxa-ward-3-bed-01', 'Ward 3 Bed 1', 'bed')] }
    const icu: TwinNode = { level: 'unit', id: 'rxa-icu', name: 'Intensive Care', unitType: 'icu', rollup: rollup({ beds: [2, 1], vents: [2, 1], icu: true, alarms: 1 }), children: [bayA] }
    const ward: TwinNode = { level: 'unit', id: 'rxa-ward-3', name: 'Ward 3', unitType: 'ward', rollup: rollup({ beds: [1, 1] }), children: [bayB] }
    const hospitalRollup = rollup({ beds: [3, 2], vents: [2, 1], icu: true, alarms: 1 })
    hospitalRollup.beds.byUnitType = { icu: { total: 2, occupied: 1, available: 1 }, ward: { total: 1, occupied: 1, available: 0 } }
    return { level: 'hospital', id: 'RXA', name: 'Riverside General', rollup: hospitalRollup, children: [icu, ward] }
  }

  asset(id: string): AssetView | undefined {
    return this.assets.get(id)
  }

  capacity(scope: 'hospital' | 'unit' | 'section', id: string): Rollup | undefined {
    const find = (n: TwinNode): TwinNode | undefined => (n.id === id && n.level === scope ? n : n.children.map(find).find((x) => x !== undefined))
    return find(this.tree())?.rollup
  }

  alarms(filter: { state?: Alarm['state']; asset?: string } = {}): Alarm[] {
    return this.alarmList.filter((a) => (filter.state === undefined || a.state === filter.state) && (filter.asset === undefined || a.asset === filter.asset))
  }

  acknowledge(alarmId: string, by: string): Alarm | undefined {
    const alarm = this.alarmList.find((a) => a.id === alarmId)
    if (alarm === undefined) return undefined
    this.acks.push({ id: alarmId, by })
    Object.assign(alarm, { state: 'acknowledged', acknowledgedAt: NOW, acknowledgedBy: by })
    this.emit({ type: 'alarm', asset: alarm.asset, path: alarm.path, alarm })
    return alarm
  }

  onEvent(listener: (e: TwinEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener)
    return () => this.changeListeners.delete(listener)
  }

  /** Emits `e` to every listener (and applies a value event to the asset's current values). */
  emit(e: TwinEvent): void {
    if (e.type === 'value') {
      const a = this.assets.get(e.asset)
      if (a !== undefined) a.values[e.metric] = e.value
    }
    for (const l of [...this.listeners]) l(e)
    if (e.type !== 'alarm') for (const l of [...this.changeListeners]) l()
  }
}

/** A fake store: history answers a ramp of points and records each query. */
export class FakeStore implements TelemetryStore {
  readonly name = 'fake'
  readonly queries: HistoryQuery[] = []
  async init(): Promise<void> {}
  write(): void {}
  async flush(): Promise<void> {}
  history(q: HistoryQuery): Promise<HistoryPoint[]> {
    this.queries.push(q)
    const step = q.everyMs ?? 60_000
    const points: HistoryPoint[] = []
    for (let t = q.from, i = 0; t < q.to && i < 500; t += step, i++) points.push({ t, value: 5 + (i % 10) })
    return Promise.resolve(points)
  }
  latest(): Promise<Record<string, { value: number; timestamp: number }>> {
    return Promise.resolve({})
  }
  count(): Promise<number> {
    return Promise.resolve(0)
  }
  stats(): StoreStats {
    return { writtenPoints: 0, pendingPoints: 0, failedWrites: 0, available: true }
  }
  async close(): Promise<void> {}
}

/** An API server over fresh fakes, not listening (use `app.inject`, or `app.listen()` for a real port). */
export function makeApi(overrides: Partial<ApiServerOptions> = {}): { app: FastifyInstance; twin: FakeTwin; store: FakeStore } {
  const twin = new FakeTwin()
  const store = new FakeStore()
  const app = createApiServer({
    twin,
    store,
    config: { host: '127.0.0.1', port: 0, tokens: Object.values(TOKENS) },
    health: () => ({ status: 'ok', store: store.stats() }),
    metrics: () => '# HELP rhn_aggregator_points_total Points.\n# TYPE rhn_aggregator_points_total counter\nrhn_aggregator_points_total 42\n',
    hospital: { id: 'RXA', name: 'Riverside General' },
    logger: pino({ level: 'silent' }),
    now: () => NOW,
    ...overrides,
  })
  return { app, twin, store }
}
