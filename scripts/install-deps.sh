#!/usr/bin/env bash
# Installs what gantryd and its tests need on Debian or Ubuntu (run as root):
# the OCI runtime and monitor, the pause process, CNI plugins, iptables, what the image e2e fixtures run
# (a registry, skopeo, umoci, a static busybox, htpasswd, openssl; lsattr and chattr), and a JDK >= 21 if none is present.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/jdk.sh
. "$here/lib/jdk.sh"

packages=(runc conmon catatonit containernetworking-plugins iptables libisal2 curl ca-certificates
          docker-registry skopeo umoci busybox-static apache2-utils openssl attr e2fsprogs)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
jdk_ok=1
gantry_find_jdk >/dev/null || jdk_ok=0

if [ ${#missing[@]} -eq 0 ] && [ $jdk_ok -eq 1 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: run as root to install: ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The docker-registry package starts a system registry on :5000 where an init system runs; the tests
  # start their own on loopback, so the package's service is stopped and left disabled.
  if command -v systemctl >/dev/null && systemctl is-active --quiet docker-registry 2>/dev/null; then
    systemctl disable --now docker-registry >/dev/null 2>&1 || true
  fi
fi
if [ $jdk_ok -eq 0 ]; then
  for jdk in openjdk-25-jdk-headless openjdk-21-jdk-headless; do
    if apt-cache show "$jdk" >/dev/null 2>&1; then
      echo "install-deps: installing $jdk" >&2
      apt-get install -y -qq --no-install-recommends "$jdk" >/dev/null
      break
    fi
  done
  gantry_find_jdk >/dev/null || {
    echo "install-deps: no JDK >= $GANTRY_MIN_JAVA is installed and this distribution's packages have none;" \
         "install one (e.g. Temurin 21 or 25 under /usr/lib/jvm) or set JAVA_HOME" >&2
    exit 1
  }
fi
