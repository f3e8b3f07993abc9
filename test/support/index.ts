/** The test harness (`@rhn/test/harness`): real servers on loopback for cross-package tests. */
export { startMosquitto, MOSQUITTO_BIN, type MosquittoBroker, type MosquittoInit } from './mosquitto.js'
export { freePort, waitForPort } from './ports.js'
