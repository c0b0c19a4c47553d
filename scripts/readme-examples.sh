#!/usr/bin/env bash
# Runs the crictl examples of README.md ("## Using it with crictl") as written, against a running
# gantryd. The commands, pod.json and ctr.json are read from the README each time, so an edit of
# the README is what gets checked; nothing of them is repeated here.
#
#   ENDPOINT=unix:///path/gantry.sock WORK=/tmp/dir [REG=127.0.0.1:PORT] [CRICTL=crictl] scripts/readme-examples.sh
#
# What differs from the README text, and only that:
#   - unix:///run/gantry/gantry.sock is $ENDPOINT; `crictl ...` (the README's "same flags again")
#     is crictl with the endpoint flags of the command before it on that line;
#   - <pod-id> is the id runp printed; <id> is that pod id for pod verbs (inspectp, stopp, rmp,
#     statsp) and the id create printed for every other verb;
#   - pod.json's log_directory is $WORK/logs, and a host_port already in use on this node is
#     replaced by a free one; files are written to $WORK and the commands run there;
#   - the order: stopp/rmp of the pod run after everything else but rmi (the container must be
#     stopped and removed first, it lives in that pod), and rmi runs last (the container uses the
#     image); everything else runs in README order;
#   - `pull` lines naming registry.example.com (the --creds example) are skipped: that registry
#     and its credentials do not exist here;
#   - `exec -it` needs a terminal: it runs under `script -qec CMD /dev/null` with `exit` on stdin.
# With REG (a registry mirroring docker.io, as in scripts/conformance.sh) set, every short image
# name the README pulls (busybox:1.36) that REG does not hold is first copied there from NAME:latest.
#
# Prints "ok: CMD", "FAILED: CMD: OUTPUT" or "skipped: CMD: REASON" per command and exits 1 if any
# failed. Whatever it created (container, pod, pulled images) is removed on exit, even on failure.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
top=$PWD

: "${ENDPOINT:?set ENDPOINT=unix:///path/to/gantry.sock of a running gantryd}"
: "${WORK:?set WORK to a scratch directory}"
CRICTL=${CRICTL:-$top/../shared/tools/cri-tools-1.36.0/crictl}
REG=${REG:-}
README=${README:-$top/README.md}
SOCK=unix:///run/gantry/gantry.sock
TIMEOUT=${TIMEOUT:-120}
POD_VERBS=" inspectp stopp rmp statsp port-forward "

CRICTL=$(readlink -f "$CRICTL")
[ -x "$CRICTL" ] || { echo "readme-examples: no crictl at $CRICTL (set CRICTL)"; exit 1; }
mkdir -p "$WORK/logs"
WORK=$(cd "$WORK" && pwd)
# The node's /etc/crictl.yaml (if any) must not change what the commands do: an empty one instead.
export CRI_CONFIG_FILE=$WORK/crictl.yaml
: >"$CRI_CONFIG_FILE"

# ------------------------------------------------------------------ parse the README
section=$(awk '/^## Using it with crictl/ {s=1; next} s && /^## / {exit} s' "$README")
block=$(awk '/^```sh/ && !done {b=1; next} b && /^```/ {b=0; done=1} b' <<<"$section")
# `pod.json` such as `{...}`: the first backticked JSON object after the file's name
example() { tr '\n' ' ' <<<"$section" | grep -oP "\`$1\`[^\`]*\`\\K\\{[^\`]*\\}(?=\`)" | head -n1; }
pod_json=$(example 'pod\.json')
ctr_json=$(example 'ctr\.json')
if [ -z "$block" ] || ! jq -e . >/dev/null 2>&1 <<<"$pod_json" || ! jq -e . >/dev/null 2>&1 <<<"$ctr_json"; then
  echo "readme-examples: FAILED: cannot find the crictl block, pod.json and ctr.json in $README"
  exit 1
fi

port_busy() { [ -n "$(ss -Htln "( sport = :$1 )" 2>/dev/null)" ]; }
free_port() { local p; for p in $(seq 18080 18180); do port_busy "$p" || { echo "$p"; return; }; done; }
pod_json=$(jq -c --arg d "$WORK/logs" '.log_directory = $d' <<<"$pod_json")
for p in $(jq -r '.port_mappings[]?.host_port // empty' <<<"$pod_json"); do
  if port_busy "$p"; then
    q=$(free_port)
    echo "note: host_port $p is in use on this node; pod.json uses $q instead"
    pod_json=$(jq -c --argjson p "$p" --argjson q "$q" '.port_mappings |= map(if .host_port == $p then .host_port = $q else . end)' <<<"$pod_json")
  fi
done
printf '%s\n' "$pod_json" >"$WORK/pod.json"
printf '%s\n' "$ctr_json" >"$WORK/ctr.json"

# README lines -> commands: comments dropped, the socket replaced, "a; crictl ... b" split into two
# commands with the first one's endpoint flags. Each command is stored as "PHASE<TAB>COMMAND".
cmds=()
while IFS= read -r line; do
  line=$(sed -E 's/[[:space:]]+#.*$//; s/[[:space:]]+$//' <<<"$line")
  [ -n "$line" ] || continue
  line=${line//"$SOCK"/$ENDPOINT}
  IFS=';' read -ra parts <<<"$line"
  flags=""
  read -ra w <<<"${parts[0]}"
  for ((i = 1; i + 1 < ${#w[@]}; i += 2)); do
    [[ ${w[i]} == --*endpoint ]] || break
    flags+=" ${w[i]} ${w[i+1]}"
  done
  phase=0
  case " ${w[i]:-} " in
    " rmi ") phase=2 ;;
    " stopp "|" rmp ") phase=1 ;;
  esac
  for part in "${parts[@]}"; do
    part=$(sed -E 's/^[[:space:]]+//; s/[[:space:]]+$//' <<<"$part")
    part=${part/#"crictl ..."/crictl$flags}
    cmds+=("$phase"$'\t'"$part")
  done
done <<<"$block"

# ------------------------------------------------------------------ run
pod_id=""; ctr_id=""; pulled=(); failed=0; passed=0; skipped=0
cleanup() {
  local r
  cd "$WORK" || return
  if [ -n "$ctr_id" ]; then
    "$CRICTL" --runtime-endpoint "$ENDPOINT" rm -f "$ctr_id" >/dev/null 2>&1
  fi
  if [ -n "$pod_id" ]; then
    "$CRICTL" --runtime-endpoint "$ENDPOINT" stopp "$pod_id" >/dev/null 2>&1
    "$CRICTL" --runtime-endpoint "$ENDPOINT" rmp -f "$pod_id" >/dev/null 2>&1
  fi
  for r in "${pulled[@]}"; do
    "$CRICTL" --image-endpoint "$ENDPOINT" rmi "$r" >/dev/null 2>&1
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cd "$WORK"
# Images the README pulls: those not on the node before are removed again at the end; short
# (docker.io) names are made available in $REG first.
for c in "${cmds[@]}"; do
  read -ra w <<<"${c#*$'\t'}"
  for ((i = 1; i < ${#w[@]}; i++)); do [ "${w[i]}" = pull ] && break; done
  ref=${w[${#w[@]}-1]}
  [ "$i" -lt "${#w[@]}" ] && [ "$ref" != pull ] || continue
  [[ $ref == registry.example.com/* ]] && continue
  if ! "$CRICTL" --image-endpoint "$ENDPOINT" inspecti "$ref" >/dev/null 2>&1; then
    pulled+=("$ref")
  fi
  first=${ref%%/*}
  if [ -n "$REG" ] && { [ "$first" = "$ref" ] || [[ $first != *.* && $first != *:* && $first != localhost ]]; }; then
    path=$ref; [[ $path == */* ]] || path=library/$path
    if ! skopeo inspect --raw --tls-verify=false "docker://$REG/$path" >/dev/null 2>&1; then
      src=$REG/${path%:*}:latest
      if out=$(skopeo copy -q --all --src-tls-verify=false --dest-tls-verify=false "docker://$src" "docker://$REG/$path" 2>&1); then
        echo "note: $REG had no $path; copied $src there"
      else
        echo "note: could not copy $src to $REG/$path: $out"
      fi
    fi
  fi
done

# run CMD...: runs one command (shown as $shown, README verb $verb), prints ok/FAILED, leaves its
# stdout in $out. `logs` must show the line "hi" (ctr.json echoes it): retried for up to 5 s.
run() {
  local rc=0 tries=1
  [ "$verb" = logs ] && tries=10
  while :; do
    rc=0
    out=$(timeout "$TIMEOUT" "$@" 2>"$WORK/stderr") || rc=$?
    if [ $rc -eq 0 ] && [ "$verb" = logs ] && ! grep -qx hi <<<"$out"; then
      rc=1; echo "(no line \"hi\" in the log)" >>"$WORK/stderr"
    fi
    tries=$((tries - 1))
    [ $rc -ne 0 ] && [ $tries -gt 0 ] && { sleep 0.5; continue; }
    break
  done
  if [ $rc -eq 0 ]; then
    echo "ok: $shown"; passed=$((passed + 1))
  else
    echo "FAILED: $shown: exit $rc: $(cat - "$WORK/stderr" <<<"$out" | tr -s '\n' ' ' | cut -c1-600)"
    failed=$((failed + 1))
  fi
  return $rc
}

for phase in 0 1 2; do
  for c in "${cmds[@]}"; do
    [ "${c%%$'\t'*}" = "$phase" ] || continue
    cmd=${c#*$'\t'}
    read -ra w <<<"$cmd"
    if [ "${w[0]}" != crictl ]; then
      echo "skipped: $cmd: not a crictl command"; skipped=$((skipped + 1)); continue
    fi
    if [[ $cmd == *registry.example.com* ]]; then
      echo "skipped: $cmd: registry.example.com and its credentials do not exist offline"
      skipped=$((skipped + 1)); continue
    fi
    for ((i = 1; i + 1 < ${#w[@]}; i += 2)); do [[ ${w[i]} == --*endpoint ]] || break; done
    verb=${w[i]:-}
    if [[ $POD_VERBS == *" $verb "* ]]; then id=$pod_id; else id=$ctr_id; fi
    if { [[ $cmd == *"<pod-id>"* ]] && [ -z "$pod_id" ]; } || { [[ $cmd == *"<id>"* ]] && [ -z "$id" ]; }; then
      echo "FAILED: $cmd: no id to put in (the runp or create before it failed)"
      failed=$((failed + 1)); continue
    fi
    cmd=${cmd//"<pod-id>"/$pod_id}
    cmd=${cmd//"<id>"/$id}
    shown=$cmd
    read -ra w <<<"$cmd"
    w[0]=$CRICTL
    if [ "$verb" = exec ] && [[ " ${w[*]} " =~ \ -[a-z]*t[a-z]*\  ]]; then
      # exec -it: a terminal from script(1); the shell reads `exit` from it
      printf -v q '%q ' "${w[@]}"
      shown="$cmd   (under script -qec, \"exit\" on stdin)"
      run script -qec "$q" /dev/null <<<"exit" || true
      continue
    fi
    run "${w[@]}" || continue
    case $verb in
      runp) pod_id=$(tail -n1 <<<"$out") ;;
      create) ctr_id=$(tail -n1 <<<"$out") ;;
      rm) ctr_id="" ;;
      rmp) pod_id="" ;;
      rmi)
        ref=${w[${#w[@]}-1]}; left=()
        for r in "${pulled[@]}"; do [ "$r" = "$ref" ] || left+=("$r"); done
        pulled=("${left[@]}") ;;
    esac
  done
done
echo "readme-examples: $passed ok, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
