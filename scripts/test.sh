#!/usr/bin/env bash
# The whole test suite: installs the system packages, builds, runs the unit tests and the e2e
# tests (which start real gantryd daemons on temporary sockets), then the official CRI validation
# suite (scripts/conformance.sh: critest over SPDY and WebSocket; skipped, saying so, when no critest
# binary is found). Fails on any failure. Arguments go to Maven; CONFORMANCE=0 leaves critest out.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh
./mvnw -B verify "$@"
if [ "${CONFORMANCE:-1}" != 0 ]; then
  scripts/conformance.sh
fi
