#!/usr/bin/env bash
# `make bench`: every benchmark, figures printed (never asserted: these machines are shared and noisy).
set -euo pipefail
cd "$(dirname "$0")/.."
TSX=(node --import tsx --conditions=rhn-source)

echo "== micro-benchmarks (vitest bench) =="
npx --yes pnpm@10.34.0 exec vitest bench --run
echo
echo "== firmware-sim: a 1,000-bed hospital in one process =="
"${TSX[@]}" firmware-sim/bench/scale.ts
echo
echo "== aggregator: store ingest (InfluxDB through the store vs raw 5,000-line batches; SQLite) =="
"${TSX[@]}" aggregator/bench/store-ingest.ts
echo
echo "== aggregator: MQTT ▸ twin ▸ store ingest and /api/stream latency =="
"${TSX[@]}" aggregator/bench/ingest.ts
echo
echo "== aggregator: region view rebuild from an empty store, 20 hospitals × 30 days of snapshots =="
"${TSX[@]}" aggregator/bench/region-rebuild.ts
echo
echo "== whole system: bed occupied in a simulator ▸ shown in the region view (default snapshot periods) =="
"${TSX[@]}" test/bench/region-latency.ts
echo
echo "== aggregator: rebalancing solve time, 20 hospitals (HiGHS) =="
"${TSX[@]}" aggregator/bench/rebalance.ts
echo
echo "== edge-agent: throughput, latency and replay against the simulator and Mosquitto =="
"${TSX[@]}" edge-agent/bench/throughput.ts
echo
echo "== ledger: confirmation latency and tx/s (4 and 7 members), catch-up blocks/s, Ed25519 limits =="
"${TSX[@]}" ledger/bench/ledger.ts
