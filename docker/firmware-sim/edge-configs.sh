#!/bin/sh
# Writes an rhn-edge config per gateway for compose.yaml, from the scenario the simulator runs:
# `rhn-sim edge-config`, then what a container needs on top of it: broker credentials (the user is the
# gateway id, the password a compose secret), state under the volume /var/lib/rhn-edge, and /healthz
# on the fixed port 9464 the image's HEALTHCHECK asks. test/docker/docker.test.ts runs this natively.
# Environment: SCENARIO, GATEWAYS (space-separated), MQTT_URL, PRIMARY_HOST, OUT_DIR; RHN_SIM (default rhn-sim).
set -eu
: "${SCENARIO:?}" "${GATEWAYS:?}" "${MQTT_URL:?}" "${PRIMARY_HOST:?}" "${OUT_DIR:?}"
RHN_SIM=${RHN_SIM:-rhn-sim}
for gw in $GATEWAYS; do
  $RHN_SIM edge-config --scenario "$SCENARIO" --gateway "$gw" --mqtt "$MQTT_URL" --primary-host "$PRIMARY_HOST" \
    | sed -e "s#\./state/$gw#/var/lib/rhn-edge#g" \
          -e "/^mqtt:/a\\
  username: $gw\\
  passwordFile: /run/secrets/mqtt-password" \
          -e '/^health:/,/^[a-z]/ s/^  host: .*/  host: 0.0.0.0/' \
          -e '/^health:/,/^[a-z]/ s/^  port: .*/  port: 9464/' \
    > "$OUT_DIR/$gw.yaml.tmp"
  mv "$OUT_DIR/$gw.yaml.tmp" "$OUT_DIR/$gw.yaml"
  echo "wrote $OUT_DIR/$gw.yaml"
done
