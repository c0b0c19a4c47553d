#!/usr/bin/env bash
# Benchmarks against a real gantryd; each prints one JSON line.
#   scripts/bench.sh [runs]      daemon cold start to first Version, and daemon RSS (default 10 runs)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib/jdk.sh

./mvnw -B -q -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
jdk=$(gantry_find_jdk)
exec "$jdk/bin/java" -Dgantry.launcher="$PWD/bin/gantryd" \
  --enable-native-access=ALL-UNNAMED -cp "e2e/target/classes:$(cat e2e/target/classpath.txt)" \
  dev.gantry.e2e.bench.StartupBenchmark "$@"
