#!/usr/bin/env bash
# `make demo`: runs what RHN has so far on embedded defaults and says where to look.
# RHN_DEMO_SECONDS=N stops the simulation after N virtual seconds (default: the whole scenario).
set -euo pipefail
cd "$(dirname "$0")/.."
REGISTRY=protocols/examples/region-north.yaml
SCENARIO=protocols/examples/winter-surge.yaml

echo "== RHN demo =="
echo
echo "-- 1. The region's asset registry ($REGISTRY): region > hospital > unit, installed capacity --"
node protocols/dist/cli/rhn-registry.js validate "$REGISTRY"
node protocols/dist/cli/rhn-registry.js show "$REGISTRY" --depth unit
echo
echo "-- 2. The simulated hospitals of the '$(basename "$SCENARIO" .yaml)' scenario, on the real device protocols --"
echo "   Where to look: connect any OPC UA client (e.g. UaExpert) to an opc.tcp:// address below and browse"
echo "   Objects > <ventilator>; read beds with any Modbus TCP client (unit id = bed); an LLRP client sees"
echo "   the PPE cabinets' tags. The status lines show occupancy climbing with the surge. Ctrl-C stops it."
echo
args=(run --scenario "$SCENARIO" --data-dir .rhn/demo --status 15)
[ -n "${RHN_DEMO_SECONDS:-}" ] && args+=(--duration "$RHN_DEMO_SECONDS")
exec node firmware-sim/dist/cli/rhn-sim.js "${args[@]}"
