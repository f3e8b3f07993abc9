/**
 * `@rhn/test/system`: the whole system on loopback for end-to-end tests and the region latency bench
 * (real ledger nodes, hospital aggregators, agents, the region). Apart from `@rhn/test/harness` because
 * it loads every package: a bench that imports the harness into the process it measures must not.
 */
export { startConsortium, type ConsortiumInit, type ConsortiumNode } from './consortium.js'
export { startSystem, lastConfirmedSnapshot, SYSTEM_TOKEN, type RhnSystem, type SystemInit } from './system.js'
