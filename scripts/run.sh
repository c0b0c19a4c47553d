#!/usr/bin/env bash
# Quick start: install the system packages, build, and run gantryd in the foreground on its
# embedded defaults (CRI socket unix:///run/gantry/gantry.sock). Extra arguments go to gantryd.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh
# Build only when a source or build file of the daemon changed since the last build here (a stamp
# beside the jar): a restart after Ctrl-C then takes a second, not a rebuild.
stamp=runtime-service/target/gantryd/.built-from-sources
modules=(common cri-api linux image-service cni-bridge sandbox runtime-service)
if [ ! -f runtime-service/target/gantryd/gantryd.jar ] || [ ! -f "$stamp" ] || [ -n "$(find pom.xml "${modules[@]}" \
    -path '*/target' -prune -o \( -name pom.xml -o -path '*/src/main/*' \) -newer "$stamp" -print -quit)" ]; then
  ./mvnw -B -q -DskipTests package
  touch "$stamp"
else
  echo "gantryd is up to date with its sources; not rebuilding (delete $stamp to force a build)"
fi

# A node needs a pod network: without any CNI config, install ours (bridge gantry0, 10.77.0.0/16, host ports).
cni_conf_dir=/etc/cni/net.d
if ! compgen -G "$cni_conf_dir/*.conflist" >/dev/null && ! compgen -G "$cni_conf_dir/*.conf" >/dev/null \
    && ! compgen -G "$cni_conf_dir/*.json" >/dev/null; then
  install -D -m 0644 scripts/cni/10-gantry-bridge.conflist "$cni_conf_dir/10-gantry-bridge.conflist"
  echo "installed the default pod network $cni_conf_dir/10-gantry-bridge.conflist (bridge gantry0, 10.77.0.0/16)"
fi
exec bin/gantryd "$@"
