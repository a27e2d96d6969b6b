#!/usr/bin/env bash
# Runs a detached test container with runc: podman-test-container.sh NAME [podman run options...] IMAGE CMD...
# Builds the busybox test image first (podman-busybox-image.sh) and starts Podman's API service on
# /run/podman/podman.sock when the socket is absent. Prints "service PID" when it started the service (the caller
# stops it), then "container FULL_ID". Remove with: podman rm -f -t 0 NAME.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name="$1"
shift
"$here/podman-busybox-image.sh" >/dev/null
sock=/run/podman/podman.sock
if [[ ! -S $sock ]]; then
  mkdir -p "$(dirname "$sock")"
  setsid podman system service --time=0 "unix://$sock" >/dev/null 2>&1 &
  echo "service $!"
  for _ in $(seq 100); do
    [[ -S $sock ]] && break
    sleep 0.05
  done
fi
podman rm -f --ignore "$name" >/dev/null
id=$(podman --runtime runc run -d --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --name "$name" "$@")
echo "container $id"
