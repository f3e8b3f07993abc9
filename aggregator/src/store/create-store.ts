import type { StoreConfig } from '@rhn/protocols'
import type { StoreDeps } from './deps.js'
import { InfluxdbStore } from './influxdb/influxdb-store.js'
import { SqliteStore } from './sqlite/sqlite-store.js'
import type { TelemetryStore } from './types.js'

/**
 * The store a validated config block asks for (house rule 3: the only place that knows the
 * backends; the core holds a {@link TelemetryStore} and never asks which one). Call `init()` next.
 */
export function createStore(config: StoreConfig, deps: StoreDeps = {}): TelemetryStore {
  switch (config.type) {
    case 'sqlite':
      return new SqliteStore(config, deps)
    case 'influxdb':
      return new InfluxdbStore(config, deps)
  }
}
