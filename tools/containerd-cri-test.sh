#!/usr/bin/env bash
# A private containerd with its CRI plugin for the CRI metadata tests, entirely under DIR (root, state, socket,
# config), using runc with the cgroupfs driver and host networking only (no CNI).
#   containerd-cri-test.sh start DIR   installs containerd from Debian when missing (root), builds the busybox test
#                                      images with Podman (tools/podman-busybox-image.sh, plus peregrine-test:pause
#                                      whose command is a long sleep, the pod sandbox image), starts containerd and
#                                      imports both images into its k8s.io namespace (podman save | ctr import: no
#                                      registry). Prints "containerd PID" and "socket PATH".
#   containerd-cri-test.sh stop DIR PID  stops that containerd, the shims it left, unmounts and removes DIR.
# Exits non-zero with the reason on stderr when it cannot.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cmd="$1"
dir="$2"
if [[ $EUID -ne 0 ]]; then
  echo "containerd-cri-test: needs root" >&2
  exit 2
fi
case "$cmd" in
start)
  if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y containerd >/dev/null 2>&1 \
      || { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y containerd >/dev/null; }
  fi
  "$here/podman-busybox-image.sh" >/dev/null
  if ! podman image exists peregrine-test:pause; then
    ctx=$(mktemp -d)
    printf 'FROM localhost/peregrine-test:busybox\nCMD ["/bin/sleep", "86400"]\n' > "$ctx/Containerfile"
    podman build -q -t peregrine-test:pause "$ctx" >/dev/null
    rm -rf "$ctx"
  fi
  mkdir -p "$dir/root" "$dir/state" "$dir/opt" "$dir/cni-conf" "$dir/cni-bin"
  sock="$dir/containerd.sock"
  cat > "$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
disabled_plugins = ["io.containerd.internal.v1.tracing", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[debug]
  level = "warn"
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/peregrine-test:pause"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  disable_apparmor = true
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$dir/cni-bin"
    conf_dir = "$dir/cni-conf"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        BinaryName = "$(command -v runc)"
EOF
  podman save -q -m --format docker-archive -o "$dir/images.tar" \
    localhost/peregrine-test:busybox localhost/peregrine-test:pause >/dev/null
  setsid containerd --config "$dir/config.toml" >"$dir/containerd.log" 2>&1 < /dev/null &
  pid=$!
  echo "containerd $pid"
  for _ in $(seq 200); do
    [[ -S $sock ]] && break
    kill -0 "$pid" 2>/dev/null || { echo "containerd exited: $(tail -5 "$dir/containerd.log")" >&2; exit 1; }
    sleep 0.05
  done
  [[ -S $sock ]] || { echo "containerd did not open $sock: $(tail -5 "$dir/containerd.log")" >&2; exit 1; }
  ctr -a "$sock" -n k8s.io images import "$dir/images.tar" >/dev/null
  echo "socket $sock"
  ;;
stop)
  pid="$3"
  # the shims this containerd started (their pid files are under its state dir)
  for f in "$dir"/state/io.containerd.runtime.v2.task/*/*/shim.pid; do
    [[ -f $f ]] && kill -9 "$(cat "$f")" 2>/dev/null || true
  done
  if [[ $pid -gt 0 ]]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  { grep -o " $dir/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$dir"
  # the pods' cgroup parent (CriPods/ContainerdCriLiveTest: /peregrine-cri-test), empty once the pods are gone
  for c in /sys/fs/cgroup/*/peregrine-cri-test /sys/fs/cgroup/peregrine-cri-test; do
    [[ -d $c ]] && { find "$c" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null; rmdir "$c" 2>/dev/null; }
  done
  true
  ;;
*)
  echo "usage: containerd-cri-test.sh start DIR | stop DIR PID" >&2
  exit 2
  ;;
esac
