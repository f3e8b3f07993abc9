/**
 * The test harness (`@rhn/test/harness`): real servers on loopback for cross-package tests. Light on
 * purpose: benches import it into the process they measure. The whole system (ledger nodes,
 * aggregators, agents) is `@rhn/test/system`, which loads every package.
 */
export { startMosquitto, MOSQUITTO_BIN, type MosquittoBroker, type MosquittoInit } from './mosquitto.js'
export { freePort, waitForPort } from './ports.js'
export { isAlive } from './process.js'
export { startInfluxd, INFLUXD_BIN, type InfluxdServer, type InfluxdInit } from './influxd.js'
export { startVictoriaMetrics, VICTORIA_METRICS_BIN, type VictoriaMetricsServer, type VictoriaMetricsInit } from './victoria.js'
export { SparkplugSubscriber, type ReceivedMetric } from './sparkplug-subscriber.js'
