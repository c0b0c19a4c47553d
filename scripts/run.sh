#!/usr/bin/env bash
# Quick start: install the system packages, build, and run gantryd in the foreground on its
# embedded defaults (CRI socket unix:///run/gantry/gantry.sock). Extra arguments go to gantryd.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh
./mvnw -B -q -DskipTests package
exec bin/gantryd "$@"
