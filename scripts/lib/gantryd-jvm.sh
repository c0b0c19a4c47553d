# shellcheck shell=bash
# The JVM options of gantryd, shared by bin/gantryd (the JDK found on the machine) and the
# distribution's bin/gantryd (its bundled runtime), so both run the daemon the same way.
# Needs gantry_jdk_feature and gantry_jdk_release from jdk.sh.

# Whether any of $2... (files, or directories and what they hold, one level) is newer than $1.
gantry_newer_than() {
  local ref=$1 f g
  shift
  for f in "$@"; do
    [ "$f" -nt "$ref" ] && return 0
    if [ -d "$f" ]; then
      for g in "$f"/*; do
        [ "$g" -nt "$ref" ] && return 0
      done
    fi
  done
  return 1
}

# Fills the array gantry_jvm_opts for the JDK at $1 running the jar $2.
gantry_jvm_options() {
  local jdk=$1 jar=$2 feature runtime_version cache train use
  # A node daemon idles most of the time: a small serial-collected heap that gives memory back,
  # freed native memory returned to the OS, and a JIT that compiles only what is really hot, with
  # C1 alone. gantryd's work is short calls and waiting on processes, where C2's code is not
  # measurably faster, while C2 itself kept a core busy for seconds after each burst of crictl
  # commands and held 10-20 MiB more RSS; the one hot loop that needed C2 (its SHA-NI SHA-256 of
  # image layers) is hashed by libcrypto instead (dev.gantry.linux.crypto.OpenSslSha256).
  gantry_jvm_opts=(
    -XX:+UseSerialGC -Xms8m -Xmx256m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30
    -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=4 -XX:ReservedCodeCacheSize=64m
    -Xss512k -XX:MaxDirectMemorySize=128m
    # Except the code a new connection runs (accept, HTTP/2 and gRPC set-up, the first call's
    # protobuf), which runs once per connection and so stays interpreted for hundreds of crictl
    # commands at the threshold above: it compiles 80 times sooner. Side by side with containerd,
    # `crictl version` after 200-600 connections: 1.06-1.10 times containerd's instead of 1.15-1.18,
    # for 2 MiB more idle RSS and no later first Version.
    -XX:CompileCommand=quiet
    '-XX:CompileCommand=CompileThresholdScaling,io.netty.*::*,0.05'
    '-XX:CompileCommand=CompileThresholdScaling,io.grpc.*::*,0.05'
    '-XX:CompileCommand=CompileThresholdScaling,com.google.protobuf.*::*,0.05'
    # Method.invoke and Constructor.newInstance through the JVM's own accessor. The default (JDK
    # 18+) binds a method handle per reflected method at its first call and spins its glue classes
    # in the interpreter: gRPC counts every server call through a reflected LongAdder.add, which
    # cost the first Version some 16 ms, and JNA and Jackson reflect on the way to the first pod.
    # The JVM's accessor costs a JNI transition per reflective call instead: a handful per RPC.
    -Djdk.reflect.useNativeAccessorOnly=true
  )
  feature=$(gantry_jdk_feature "$jdk")
  [ "$feature" -ge 22 ] && gantry_jvm_opts+=(-XX:TrimNativeHeapInterval=1000)
  # Netty's direct buffers through sun.misc.Unsafe, as on every JDK before 25. On 25 Netty leaves
  # Unsafe off unless this option allows it, and frees direct memory through FFM downcalls to
  # malloc and free instead, whose binding spins about 90 classes of method-handle glue at every
  # start: 80 ms of CPU beside the main thread, and the first Version 80 ms later (8 paired
  # starts). The option exists from JDK 23 (and silences the JDK's warning on 24); it is given
  # only up to the newest JDK it was checked on, as an unknown `--` option stops the JVM, and a
  # later JDK that drops Unsafe access leaves Netty on its FFM path by itself.
  [ "$feature" -ge 23 ] && [ "$feature" -le 25 ] && gantry_jvm_opts+=(--sun-misc-unsafe-memory-access=allow)

  # Class-data cache, written by a training run at build time (e2e's AotTraining sets
  # GANTRY_AOT_TRAIN=1) and keyed by the exact runtime: JDK 25+ keeps an AOT cache of loaded and
  # linked classes, older JDKs an AppCDS archive. A cache older than any jar is not used: JDK 25
  # maps an AOT cache even when the jars changed after training (it then serves the old classes).
  # A cache made for one runtime is refused by another (a jlinked runtime is another runtime).
  runtime_version=$(gantry_jdk_release "$jdk" JAVA_RUNTIME_VERSION) || runtime_version=$(gantry_jdk_release "$jdk" JAVA_VERSION) || true
  cache=${jar%/*}/gantryd-${runtime_version:-unknown}
  if [ "$feature" -ge 25 ]; then
    cache+=.aot; train=-XX:AOTCacheOutput=$cache; use=-XX:AOTCache=$cache
  else
    cache+=.jsa; train=-XX:ArchiveClassesAtExit=$cache; use=-XX:SharedArchiveFile=$cache
  fi
  if [ "${GANTRY_AOT_TRAIN:-}" = 1 ]; then
    rm -f "$cache"
    gantry_jvm_opts+=("$train")
  elif [ -f "$cache" ] && ! gantry_newer_than "$cache" "$jar" "${jar%/*}/lib"; then
    # Not -XX:+AOTCompileEagerly (experimental): compiling the training run's hot methods at start
    # made the first pod cycle 120 ms faster, but the first Version 20 ms later and the idle daemon
    # 8.5 MiB heavier (README, "fresh connection"); and a JDK that drops the flag would not start.
    gantry_jvm_opts+=("$use")
  fi
}
