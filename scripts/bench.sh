#!/usr/bin/env bash
# Benchmarks against a real gantryd; each prints one JSON line.
#   scripts/bench.sh [runs]                  daemon cold start to first Version, and daemon RSS (default 10 runs)
#   scripts/bench.sh images [runs] [small]   image pull + unpack from a local registry: cold, warm, 10 at once,
#                                            against skopeo copy + umoci unpack (default 5 runs of ~200 MB)
#   scripts/bench.sh pull [runs] [engines]   the big image of issue 15 (busybox + 40/36/32/28/24 MiB of random bytes, gzip)
#                                            and the same shape of text: cold pulls with ISA-L and with zlib, beside the
#                                            floors gzip -d, sha256sum and cp + sync of its blobs (default 7 runs);
#                                            BENCH_CONTAINERD=<binary>: the same cold pulls through that containerd
#   scripts/bench.sh sandbox [pods]          pod sandboxes with Debian's CNI plugins (root): N sequential pods
#                                            (run/stop/remove), 20 concurrent runs, the plugin chain by hand (default 100)
#   scripts/bench.sh containers [n]          containers with runc and conmon (root): create/start/stop/remove of N containers
#                                            over 10 pods, List/Status with N present, full pod start, conmon and daemon RSS
#                                            (idle; 5 s idle with 20 running pods; with 50) (default 100);
#                                            BENCH_CONTAINERD=<binary>: that containerd's RSS and shims the same way
#   scripts/bench.sh streaming [execs]       Exec and PortForward through the streaming server over SPDY (root): exec
#                                            round trip of `true` and `echo` (p50/p99 over N, default 100), PortForward
#                                            throughput of 256 MiB to a sink in a pod, 20 concurrent exec sessions
#   scripts/bench.sh stats [n]               stats RPCs (root): ListContainerStats and ListPodSandboxStats latency with N running
#                                            containers in N pods, gantryd's CPU time per minute polled every 10 s (default 50)
#   scripts/bench.sh exec [calls]            ExecSync of `true` in one running container against `runc exec <id> true` by hand
#                                            on the same container, interleaved (root; default 200 calls)
#   scripts/bench.sh cycle [iterations]      the pod cycle through crictl, one process per step (root; CRICTL or
#                                            ../shared/tools/cri-tools-1.36.0/crictl): the first 25 `crictl version`s the
#                                            daemon serves (2 s after its start), then version, runp, create, start, stop,
#                                            rm, stopp, rmp medians (default 20), the first cycle apart (the first pod
#                                            after the daemon started), 10 pods at once, crictl's own floor, the
#                                            same cycle over one gRPC connection without crictl, and a fresh connection's
#                                            first call; BENCH_COMPARE_CRI=<socket> takes the connection figures beside
#                                            another runtime's (containerd's), interleaved; BENCH_CONTAINERD=<binary>
#                                            starts that containerd beside gantryd (own dirs, same network, registry
#                                            and image) and takes every crictl figure against it too, interleaved
#   scripts/bench.sh dist [runs]             the distribution tarball (scripts/dist.sh, built first) beside the build's
#                                            bin/gantryd: sizes, start to first Version, RSS at ready and idle (default 10 runs)
#   scripts/bench.sh metrics [seconds]       the cost of /metrics: daemon CPU per minute and RSS with metrics off, on but
#                                            unscraped, and scraped every second, with the scrape latency (default 60 s each)
#   BENCH_DEBUG_LOG=<file>                   with cycle, containers, streaming, stats or exec: the daemon logs at debug, with
#                                            each operation's step times, and its whole log is kept in <file>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib/jdk.sh

main=dev.gantry.e2e.bench.StartupBenchmark
jvm_opts=()
dist=0
if [ "${1:-}" = images ]; then
  shift
  main=dev.gantry.e2e.bench.ImagePullBenchmark
  # the daemon's root follows java.io.tmpdir; keep it on disk with the layers, whatever /tmp is
  jvm_opts+=(-Djava.io.tmpdir=/var/tmp)
elif [ "${1:-}" = pull ]; then
  shift
  main=dev.gantry.e2e.bench.BigPullBenchmark
  jvm_opts+=(-Djava.io.tmpdir=/var/tmp)
elif [ "${1:-}" = sandbox ]; then
  shift
  main=dev.gantry.e2e.bench.SandboxBenchmark
elif [ "${1:-}" = containers ]; then
  shift
  main=dev.gantry.e2e.bench.ContainerBenchmark
elif [ "${1:-}" = streaming ]; then
  shift
  main=dev.gantry.e2e.bench.StreamingBenchmark
elif [ "${1:-}" = stats ]; then
  shift
  main=dev.gantry.e2e.bench.StatsBenchmark
elif [ "${1:-}" = exec ]; then
  shift
  main=dev.gantry.e2e.bench.ExecBenchmark
elif [ "${1:-}" = cycle ]; then
  shift
  main=dev.gantry.e2e.bench.CycleBenchmark
elif [ "${1:-}" = dist ]; then
  shift
  main=dev.gantry.e2e.bench.DistributionBenchmark
  dist=1
  version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -1)
  set -- target/gantry-"$version"-linux-amd64.tar.gz "$@"
elif [ "${1:-}" = metrics ]; then
  shift
  main=dev.gantry.e2e.bench.MetricsBenchmark
fi

./mvnw -B -q -DskipTests package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
[ "$dist" = 1 ] && scripts/dist.sh --no-build >&2
jdk=$(gantry_find_jdk)
exec "$jdk/bin/java" -Dgantry.launcher="$PWD/bin/gantryd" "${jvm_opts[@]}" \
  --enable-native-access=ALL-UNNAMED -cp "e2e/target/classes:$(cat e2e/target/classpath.txt)" \
  "$main" "$@"
