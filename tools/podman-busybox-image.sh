#!/usr/bin/env bash
# Builds (once) the tiny Podman image the container metadata tests run: busybox-static in an empty root
# filesystem, imported as peregrine-test:busybox. Installs podman, runc and busybox-static from Debian when
# missing (root). Prints the image name; exits non-zero with a reason on stderr when it cannot.
set -euo pipefail
IMAGE="${1:-peregrine-test:busybox}"
if [[ $EUID -ne 0 ]]; then
  echo "podman-busybox-image: needs root" >&2
  exit 2
fi
missing=()
command -v podman >/dev/null || missing+=(podman)
command -v runc >/dev/null || missing+=(runc)
[[ -x /bin/busybox ]] || missing+=(busybox-static)
if ((${#missing[@]})); then
  apt-get install -y "${missing[@]}" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y "${missing[@]}" >/dev/null; }
fi
if podman image exists "$IMAGE" 2>/dev/null; then
  echo "$IMAGE"
  exit 0
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/proc" "$root/sys" "$root/dev"
cp /bin/busybox "$root/bin/busybox"
for cmd in sh ls cat sleep echo nc cp chmod id true; do
  ln -s busybox "$root/bin/$cmd"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
tar -C "$root" -c . | podman import -q - "$IMAGE" >/dev/null
echo "$IMAGE"
