#!/bin/sh
# gantry-install.sh: installs Gantry on the node whose root file system is mounted at $HOST_ROOT,
# or removes it. Run by the gantry-installer DaemonSets (deploy/k8s/installer/daemonset.yaml) in a
# privileged pod with hostPID, so `nsenter -t 1` reaches the host's systemd.
#
#   gantry-install.sh install    copy the distribution to /opt/gantry, install the unit, the config
#                                and the node agent's kubeconfig, start gantryd; with
#                                SWITCH_KUBELET=true point the kubelet at Gantry, otherwise make sure
#                                it is not pointed at Gantry (a label removed is a switch undone)
#   gantry-install.sh uninstall  every step of install undone, in reverse
#   gantry-install.sh status     exit 0 when the node is as the action asks (readiness probe)
#   gantry-install.sh run        $GANTRY_ACTION, then stay up (a DaemonSet's pod must keep running)
#
# Idempotent: every file is compared by sha256 before it is written, and gantryd and the kubelet
# are restarted only when something they read changed. A re-run on a node already as asked only
# asks systemd whether gantryd is active.
set -eu

HOST_ROOT=${HOST_ROOT:-/host}
DIST_TARBALL=${DIST_TARBALL:-/gantry/dist/gantry.tar.gz}
CONFIG_FILE=${CONFIG_FILE:-/gantry/config/gantry.toml}
AGENT_TOKEN_DIR=${AGENT_TOKEN_DIR:-/gantry/agent-token}
SWITCH_KUBELET=${SWITCH_KUBELET:-false}
SOCKET_WAIT=${SOCKET_WAIT:-120}
# A path, so that tests can give a recording stand-in (busybox sh runs its own applet before PATH).
NSENTER=${NSENTER:-nsenter}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gantry-install.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Paths on the host (seen by the host's systemd as written, by this script under $HOST_ROOT).
PREFIX=/opt/gantry
UNIT=/etc/systemd/system/gantry.service
CONF=/etc/gantry/gantry.toml
AGENT_KUBECONFIG=/etc/gantry/kubeconfig
DROPIN=/etc/systemd/system/kubelet.service.d/90-gantry.conf
SOCKET=/run/gantry/gantry.sock
STATE=/var/lib/gantry-installer
ENDPOINT=unix://$SOCKET

log() { echo "gantry-install: $*" >&2; }
die() { log "error: $*"; exit 1; }
h() { printf '%s%s' "$HOST_ROOT" "$1"; }
# A command in the host's namespaces (PID 1's): systemctl talks to the host's systemd.
host() { log "host: $*"; "$NSENTER" -t 1 -m -u -i -n -p -- "$@"; }
sum() { if [ -f "$1" ]; then sha256sum "$1" | cut -d' ' -f1; else echo absent; fi; }

# Functions say what they changed through CHANGED (never through their exit status: `set -e` does
# not stop a function called as the left of && or ||).
# put SRC DEST MODE: DEST becomes a copy of SRC unless it already is one; sets WROTE.
put() {
  WROTE=false
  [ "$(sum "$1")" = "$(sum "$2")" ] && return 0
  mkdir -p "$(dirname "$2")"
  cp "$1" "$2.gantry-tmp"
  chmod "$3" "$2.gantry-tmp"
  mv -f "$2.gantry-tmp" "$2"
  log "wrote $2"
  WROTE=true
}

# The distribution tarball holds bin/gantryd, the runtime, etc/gantry/gantry.toml and
# lib/systemd/system/gantry.service, at its top or under one top-level directory.
install_dist() {
  want=$(sum "$DIST_TARBALL")
  [ "$want" = absent ] && die "no distribution at $DIST_TARBALL"
  have=$(cat "$(h $STATE)/dist.sha256" 2>/dev/null || echo none)
  if [ "$want" = "$have" ] && [ -x "$(h $PREFIX)/bin/gantryd" ]; then
    return 0
  fi
  unpack=$(h $PREFIX).gantry-unpack
  rm -rf "$unpack" "$(h $PREFIX).gantry-old"
  mkdir -p "$unpack"
  tar -xzf "$DIST_TARBALL" -C "$unpack"
  top=$unpack
  if [ "$(ls -A "$unpack" | wc -l)" -eq 1 ] && [ -d "$unpack/$(ls -A "$unpack")" ]; then
    top=$unpack/$(ls -A "$unpack")
  fi
  [ -x "$top/bin/gantryd" ] || die "$DIST_TARBALL has no bin/gantryd"
  # Swap by rename: a gantryd restarted during the copy never sees half a distribution.
  [ -e "$(h $PREFIX)" ] && mv "$(h $PREFIX)" "$(h $PREFIX).gantry-old"
  mv "$top" "$(h $PREFIX)"
  rm -rf "$unpack" "$(h $PREFIX).gantry-old"
  mkdir -p "$(h $STATE)"
  echo "$want" > "$(h $STATE)/dist.sha256"
  log "installed $DIST_TARBALL ($want) in $PREFIX"
  CHANGED=true
}

# The ConfigMap's gantry.toml when mounted, else the distribution's, kept only when the host has none.
install_config() {
  src=$CONFIG_FILE
  if [ ! -f "$src" ]; then
    [ -f "$(h $CONF)" ] && return 0
    src=$(h $PREFIX)/etc/gantry/gantry.toml
  fi
  put "$src" "$(h $CONF)" 0644
  [ $WROTE = true ] || return 0
  sum "$(h $CONF)" > "$(h $STATE)/config.sha256"
  CHANGED=true
}

# A kubeconfig for the node agent inside gantryd, from the long-lived token of the gantry-node
# ServiceAccount (the pod's own projected token expires with the pod).
install_agent_kubeconfig() {
  [ -f "$AGENT_TOKEN_DIR/token" ] || return 0
  [ -n "${KUBERNETES_SERVICE_HOST:-}" ] || return 0
  tmp=$WORK/kubeconfig
  ca=$(base64 < "$AGENT_TOKEN_DIR/ca.crt" | tr -d '\n')
  cat > "$tmp" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: cluster
  cluster:
    server: https://${KUBERNETES_SERVICE_HOST}:${KUBERNETES_SERVICE_PORT:-443}
    certificate-authority-data: $ca
users:
- name: gantry-node
  user:
    token: $(cat "$AGENT_TOKEN_DIR/token")
contexts:
- name: gantry-node
  context: {cluster: cluster, user: gantry-node, namespace: gantry-system}
current-context: gantry-node
KUBECONFIG
  put "$tmp" "$(h $AGENT_KUBECONFIG)" 0600
  rm -f "$tmp"
  [ $WROTE = true ] && CHANGED=true
  return 0
}

dropin_text() {
  cat <<DROPIN
# Written by gantry-install.sh (deploy/k8s/installer); removed by its uninstall.
# The kubelet's container runtime is Gantry. A flag given last wins over earlier flags and over
# the kubelet config file's containerRuntimeEndpoint.
[Service]
Environment="KUBELET_EXTRA_ARGS=--container-runtime-endpoint=$ENDPOINT"
DROPIN
}

restart_kubelet() {
  host systemctl daemon-reload
  host systemctl restart kubelet.service
  KUBELET_RESTARTED=1
}

switch_kubelet() {
  for f in /etc/default/kubelet /etc/sysconfig/kubelet; do
    # An EnvironmentFile= beats our Environment=: the switch would silently do nothing.
    if [ -f "$(h $f)" ] && grep -Eq '^[[:space:]]*KUBELET_EXTRA_ARGS=.*[^"'"'"'[:space:]]' "$(h $f)"; then
      die "$f sets KUBELET_EXTRA_ARGS, which would override the drop-in $DROPIN; add --container-runtime-endpoint=$ENDPOINT there yourself or empty it"
    fi
  done
  waited=0
  while [ ! -e "$(h $SOCKET)" ]; do
    [ "$waited" -ge "$SOCKET_WAIT" ] && die "gantryd did not create $SOCKET within ${SOCKET_WAIT}s; the kubelet is left as it was"
    sleep 1; waited=$((waited + 1))
  done
  tmp=$WORK/dropin
  dropin_text > "$tmp"
  put "$tmp" "$(h $DROPIN)" 0644
  rm -f "$tmp"
  if [ $WROTE = true ]; then
    log "kubelet now uses $ENDPOINT; restarting it"
    restart_kubelet
  fi
}

unswitch_kubelet() {
  [ -e "$(h $DROPIN)" ] || return 0
  rm -f "$(h $DROPIN)"
  rmdir "$(h /etc/systemd/system/kubelet.service.d)" 2>/dev/null || true
  log "kubelet no longer pointed at Gantry; restarting it"
  restart_kubelet
}

do_install() {
  CHANGED=false
  install_dist
  mkdir -p "$(h $STATE)"
  put "$(h $PREFIX)/lib/systemd/system/gantry.service" "$(h $UNIT)" 0644
  if [ $WROTE = true ]; then
    host systemctl daemon-reload
    host systemctl enable gantry.service
    CHANGED=true
  fi
  install_config
  install_agent_kubeconfig
  if [ $CHANGED = true ]; then
    host systemctl restart gantry.service
  elif ! host systemctl is-active --quiet gantry.service; then
    host systemctl start gantry.service
  fi
  if [ "$SWITCH_KUBELET" = true ]; then switch_kubelet; else unswitch_kubelet; fi
  log "installed"
}

do_uninstall() {
  # The kubelet first: it must stop asking Gantry for pods before gantryd goes.
  unswitch_kubelet
  if [ -e "$(h $UNIT)" ]; then
    host systemctl disable --now gantry.service
    rm -f "$(h $UNIT)"
    host systemctl daemon-reload
  fi
  rm -f "$(h $AGENT_KUBECONFIG)"
  if [ -f "$(h $CONF)" ]; then
    if [ "$(sum "$(h $CONF)")" = "$(cat "$(h $STATE)/config.sha256" 2>/dev/null || echo none)" ]; then
      rm -f "$(h $CONF)"
    else
      log "kept $CONF: it was not written by this installer or was changed since"
    fi
  fi
  rmdir "$(h /etc/gantry)" 2>/dev/null || true
  rm -rf "$(h $PREFIX)" "$(h $PREFIX).gantry-unpack" "$(h $PREFIX).gantry-old" "$(h $STATE)"
  # gantryd's own data (/var/lib/gantry, /run/gantry) stays: images and stopped containers are the
  # operator's to delete.
  log "uninstalled"
}

do_status() {
  case "${GANTRY_ACTION:-install}" in
    install) [ -x "$(h $PREFIX)/bin/gantryd" ] && host systemctl is-active --quiet gantry.service ;;
    uninstall) [ ! -e "$(h $PREFIX)" ] && [ ! -e "$(h $UNIT)" ] ;;
    *) die "unknown GANTRY_ACTION ${GANTRY_ACTION}" ;;
  esac
}

KUBELET_RESTARTED=0
case "${1:-}" in
  install) do_install ;;
  uninstall) do_uninstall ;;
  status) do_status ;;
  run)
    case "${GANTRY_ACTION:-install}" in
      install) do_install ;;
      uninstall) do_uninstall ;;
      *) die "unknown GANTRY_ACTION ${GANTRY_ACTION}" ;;
    esac
    if [ $KUBELET_RESTARTED = 1 ]; then
      # The kubelet now talks to another runtime and no longer knows this container; it starts this
      # DaemonSet's pod again there, where the run finds the node as asked and changes nothing.
      log "kubelet restarted on another runtime; exiting"
      exit 0
    fi
    rm -rf "$WORK"
    trap 'exit 0' TERM INT
    while :; do sleep 3600 & wait $!; done
    ;;
  *) echo "usage: $0 install|uninstall|status|run" >&2; exit 2 ;;
esac
