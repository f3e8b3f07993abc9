/** The edge node's counters ({@link EdgeNodeCounters}) and the PUBACK latency histogram. */
import { PUBACK_LATENCY_BUCKETS_S, type EdgeNodeCounters } from './types.js'

/** A fresh set of counters, all zero. */
export function newCounters(): EdgeNodeCounters {
  return {
    publishedMessages: 0,
    publishedReadings: 0,
    historicalReadings: 0,
    skippedReadings: 0,
    ackedBatches: 0,
    pubackLatencySeconds: { buckets: PUBACK_LATENCY_BUCKETS_S, counts: PUBACK_LATENCY_BUCKETS_S.map(() => 0), sum: 0, count: 0 },
    reconnects: 0,
    connectFailures: 0,
    nodeBirths: 0,
    deviceBirths: 0,
    deviceDeaths: 0,
    rebirthRequests: 0,
    connected: 0,
    primaryHostOnline: 0,
  }
}

/** Records one PUBACK latency, s, into the cumulative histogram. */
export function observeLatency(counters: EdgeNodeCounters, seconds: number): void {
  const h = counters.pubackLatencySeconds
  h.sum += seconds
  h.count++
  h.buckets.forEach((le, i) => {
    if (seconds <= le) h.counts[i] = (h.counts[i] ?? 0) + 1
  })
}

/** A deep copy, safe to hand out (survives `structuredClone`). */
export function snapshot(counters: EdgeNodeCounters): EdgeNodeCounters {
  const h = counters.pubackLatencySeconds
  return { ...counters, pubackLatencySeconds: { buckets: [...h.buckets], counts: [...h.counts], sum: h.sum, count: h.count } }
}
