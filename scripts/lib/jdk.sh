# shellcheck shell=bash
# Finds a JDK whose feature version is at least GANTRY_MIN_JAVA (21).
# Sourced by mvnw, bin/gantryd and the scripts; prints nothing unless asked.

GANTRY_MIN_JAVA=${GANTRY_MIN_JAVA:-21}

# The value of $2 (JAVA_VERSION, JAVA_RUNTIME_VERSION) in the release file of the JDK at $1, read
# by bash itself: bin/gantryd runs this on every start, where each sed would cost a process.
gantry_jdk_release() {
  local line
  [ -r "$1/release" ] || return 1
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      "$2="*) line=${line#"$2="}; line=${line#\"}; printf '%s\n' "${line%\"}"; return 0 ;;
    esac
  done < "$1/release"
  return 1
}

# Feature version of the JDK at $1, read from its release file (no JVM start).
gantry_jdk_feature() {
  local v
  v=$(gantry_jdk_release "$1" JAVA_VERSION) || return 1
  [ -n "$v" ] || return 1
  case "$v" in
    1.*) v=${v#1.}; echo "${v%%.*}" ;;
    *) v=${v%%.*}; echo "${v%%[!0-9]*}" ;;
  esac
}

# Prints the home of the first suitable JDK: $JAVA_HOME, the java on PATH,
# then the newest under /usr/lib/jvm. Returns 1 when there is none.
gantry_find_jdk() {
  local candidates=() c best="" best_v=0 v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if c=$(command -v java 2>/dev/null); then
    c=$(readlink -f "$c"); candidates+=("${c%/bin/java}")
  fi
  for c in "${candidates[@]}"; do
    v=$(gantry_jdk_feature "$c") || continue
    if [ "$v" -ge "$GANTRY_MIN_JAVA" ] && [ -x "$c/bin/java" ]; then echo "$c"; return 0; fi
  done
  for c in /usr/lib/jvm/*/ /opt/java/*/; do
    c=${c%/}
    [ -x "$c/bin/java" ] || continue
    v=$(gantry_jdk_feature "$c") || continue
    if [ "$v" -ge "$GANTRY_MIN_JAVA" ] && [ "$v" -gt "$best_v" ]; then best=$c; best_v=$v; fi
  done
  [ -n "$best" ] && { echo "$best"; return 0; }
  return 1
}
