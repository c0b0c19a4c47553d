#!/usr/bin/env bash
# Builds the self-contained distribution, target/gantry-<version>-linux-<arch>.tar.gz: gantryd's
# jars, a Java runtime cut by jlink to the modules gantryd uses, the class-data (AOT) cache trained
# for that runtime, the default configuration, a systemd unit and a README (scripts/dist/).
#   scripts/dist.sh             builds the modules first (./mvnw package), then the tarball
#   scripts/dist.sh --no-build  uses what an earlier `./mvnw package` left (e2e's pre-integration-test
#                               phase runs it so, before DistributionIT)
# Needs a JDK >= 25 (jlink from its own runtime image, and the AOT cache format the launcher uses).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib/jdk.sh

if [ "${1:-}" != --no-build ]; then
  ./mvnw -B -q -DskipTests -Dgantry.aot.skip=true package
fi
jdk=$(gantry_find_jdk) || { echo "dist: no JDK found" >&2; exit 1; }
if [ "$(gantry_jdk_feature "$jdk")" -lt 25 ]; then
  echo "dist: $jdk is JDK $(gantry_jdk_feature "$jdk"); the distribution needs JDK 25 or newer (set JAVA_HOME)" >&2
  exit 1
fi

version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
name=gantry-$version-linux-$arch
stage=target/dist/$name
built=runtime-service/target/gantryd
[ -f "$built/gantryd.jar" ] || { echo "dist: $built/gantryd.jar is missing; run ./mvnw -DskipTests package" >&2; exit 1; }
rm -rf "$stage"
mkdir -p "$stage"/{bin,lib/gantry,etc/gantry,lib/systemd/system}

# The modules gantryd's code paths use. From `jdeps --print-module-deps --ignore-missing-deps
# --multi-release 25 --class-path 'lib/*' gantryd.jar lib/*.jar` (run in runtime-service/target/gantryd),
# less what only optional code asks for: java.desktop (java.beans in jackson, commons-lang3 and
# commons-compress), java.sql (jackson and gson, both `requires static`), java.naming (JNDI in logback
# and gRPC's DNS SRV lookups; gantryd serves and dials unix sockets), java.xml (logback's XML
# configuration: gantryd configures logback in code), jdk.jfr (netty's optional JFR events) and
# java.compiler (annotations). DistributionIT runs a pod on the result.
modules=java.base,java.logging,java.net.http,jdk.httpserver,jdk.unsupported,java.management,jdk.management
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --output "$stage/runtime"

cp -p "$built/gantryd.jar" "$stage/lib/gantry/"
cp -pr "$built/lib" "$stage/lib/gantry/lib"
# the node agent's Fabric8 client, loaded only when [kubernetes] is enabled
[ -d "$built/agent" ] && cp -pr "$built/agent" "$stage/lib/gantry/agent"
cp -p scripts/lib/jdk.sh scripts/lib/gantryd-jvm.sh "$stage/lib/gantry/"
install -m 0755 scripts/dist/gantryd "$stage/bin/gantryd"
install -m 0644 scripts/dist/gantry.service "$stage/lib/systemd/system/gantry.service"
install -m 0644 scripts/dist/README.md "$stage/README.md"

# Every key with its default and its comment, all commented out: the file documents the defaults
# without pinning them, so an upgrade's new defaults apply; uncomment a key and its [table] to change it.
{
  echo "# Copy to /etc/gantry/gantry.toml (gantryd reads it when it exists) and uncomment what you change."
  "$stage/bin/gantryd" config default | sed -E 's/^([^#[:space:]])/# \1/'
} > "$stage/etc/gantry/gantry.toml"

# Train the class-data cache for the bundled runtime (a cache is tied to the runtime that made it):
# e2e's AotTraining runs the daemon through this distribution's launcher with GANTRY_AOT_TRAIN=1.
classpath=e2e/target/classpath.txt
[ -f "$classpath" ] && [ -d e2e/target/classes ] || {
  echo "dist: $classpath or e2e/target/classes is missing; run ./mvnw -DskipTests package" >&2; exit 1; }
"$jdk/bin/java" --enable-native-access=ALL-UNNAMED -Dgantry.launcher="$PWD/$stage/bin/gantryd" \
  -cp "e2e/target/classes:$(cat "$classpath")" dev.gantry.e2e.harness.AotTraining >/dev/null
# The launcher must find and accept the cache: AOTMode=on fails instead of running without it.
GANTRY_JAVA_OPTS=-XX:AOTMode=on "$stage/bin/gantryd" --version >/dev/null

tarball=target/$name.tar.gz
tar -C "$stage" --owner=0 --group=0 --numeric-owner -czf "$tarball.tmp" .
mv "$tarball.tmp" "$tarball"
echo "dist: $tarball ($(du -h "$tarball" | cut -f1); unpacked $(du -sh "$stage" | cut -f1))"
