#!/bin/sh
# build-image.sh DIST_TARBALL [OUTPUT]: the installer image, without a Docker daemon or a base image.
# The root file system is Debian's busybox-static (/bin/busybox, every applet a symlink to it: sh,
# tar, sha256sum, nsenter, ...), gantry-install.sh, and the distribution tarball made by
# scripts/dist.sh; umoci lays it out as an OCI image and skopeo writes it as an OCI archive
# (default deploy/k8s/target/gantry-installer.oci.tar, tagged with the project's version). Push it with
#   skopeo copy oci-archive:deploy/k8s/target/gantry-installer.oci.tar docker://<registry>/gantry-installer:<tag>
# Needs: busybox-static, umoci, skopeo (Debian packages).
set -eu

[ $# -ge 1 ] || { echo "usage: $0 DIST_TARBALL [OUTPUT.oci.tar]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
dist=$(realpath "$1")
out=${2:-$here/../target/gantry-installer.oci.tar}
tag=${TAG:-$(sed -n 's#^ *<version>\(.*\)</version>#\1#p' "$here/../pom.xml" | head -1)}
busybox=${BUSYBOX:-/bin/busybox}
created=${CREATED:-2024-01-01T00:00:00Z}

[ -f "$dist" ] || { echo "no distribution tarball at $1" >&2; exit 1; }
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' \
  || { echo "$busybox is not a static busybox (apt-get install busybox-static)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/gantry-installer-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
layout=$work/oci

umoci init --layout "$layout"
umoci new --image "$layout:$tag"
umoci unpack --image "$layout:$tag" "$work/bundle"
rootfs=$work/bundle/rootfs
mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/gantry/dist"
chmod 1777 "$rootfs/tmp"
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"
done
cp "$here/gantry-install.sh" "$rootfs/gantry/gantry-install.sh"
chmod 0755 "$rootfs/gantry/gantry-install.sh"
cp "$dist" "$rootfs/gantry/dist/gantry.tar.gz"
find "$rootfs" -exec touch -h -d "$created" {} +
umoci repack --image "$layout:$tag" "$work/bundle"
umoci config --image "$layout:$tag" --created "$created" \
  --config.env PATH=/bin --config.workingdir / \
  --config.cmd /bin/sh --config.cmd /gantry/gantry-install.sh --config.cmd run \
  --config.label org.opencontainers.image.title=gantry-installer \
  --config.label "org.opencontainers.image.version=$tag"
umoci gc --layout "$layout"

mkdir -p "$(dirname "$out")"
rm -f "$out"
skopeo copy --quiet "oci:$layout:$tag" "oci-archive:$out:$tag"
echo "$out ($tag)"
