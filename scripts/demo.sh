#!/usr/bin/env bash
# `make demo`: the registry, then the whole system on embedded defaults (see scripts/demo.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
REGISTRY=protocols/examples/region-north.yaml
echo "== RHN demo =="
echo "-- The region's asset registry ($REGISTRY): installed capacity --"
node protocols/dist/cli/rhn-registry.js show "$REGISTRY" --depth hospital
echo
exec node --import tsx --conditions=rhn-source scripts/demo.ts
