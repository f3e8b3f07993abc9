#!/usr/bin/env bash
# `make demo`: runs what RHN has so far on embedded defaults and says where to look.
set -euo pipefail
cd "$(dirname "$0")/.."
REGISTRY=protocols/examples/region-north.yaml

echo "== RHN demo =="
echo "Asset registry: $REGISTRY"
echo
node protocols/dist/cli/rhn-registry.js validate "$REGISTRY"
echo
node protocols/dist/cli/rhn-registry.js show "$REGISTRY" --depth unit
echo
echo "Next: 'node protocols/dist/cli/rhn-registry.js show $REGISTRY --depth section' for bays,"
echo "      and the JSON Schemas for editors are in protocols/schemas/."
