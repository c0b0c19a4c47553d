#!/usr/bin/env bash
# Quick start: install the system packages, build, and run gantryd in the foreground on its
# embedded defaults (CRI socket unix:///run/gantry/gantry.sock). Extra arguments go to gantryd.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh
./mvnw -B -q -DskipTests package

# A node needs a pod network: without any CNI config, install ours (bridge gantry0, 10.77.0.0/16, host ports).
cni_conf_dir=/etc/cni/net.d
if ! compgen -G "$cni_conf_dir/*.conflist" >/dev/null && ! compgen -G "$cni_conf_dir/*.conf" >/dev/null \
    && ! compgen -G "$cni_conf_dir/*.json" >/dev/null; then
  install -D -m 0644 scripts/cni/10-gantry-bridge.conflist "$cni_conf_dir/10-gantry-bridge.conflist"
  echo "installed the default pod network $cni_conf_dir/10-gantry-bridge.conflist (bridge gantry0, 10.77.0.0/16)"
fi
exec bin/gantryd "$@"
