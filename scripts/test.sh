#!/usr/bin/env bash
# The whole test suite: installs the system packages, builds, runs the unit tests and the e2e
# tests (which start real gantryd daemons on temporary sockets), and fails on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh
./mvnw -B verify "$@"
