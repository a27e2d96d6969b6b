#!/usr/bin/env bash
# Compiles Peregrine's eBPF driver: build.sh SOURCE_DIR OUTPUT_DIR. Called by Maven in generate-resources.
# vmlinux.h is generated from the running kernel's BTF (/sys/kernel/btf/vmlinux) with bpftool at build time; the
# object is CO-RE, so it loads on other BTF kernels too. Without clang, bpftool or BTF it prints what is missing
# and exits 0: the Java build goes on and the driver tests skip themselves.
set -uo pipefail
src=${1:?source dir}
out=${2:?output dir}
# PEREGRINE_CLANG / PEREGRINE_BPFTOOL override the tools (an unusable value simulates a machine without them).
clang=${PEREGRINE_CLANG:-clang}
bpftool=${PEREGRINE_BPFTOOL:-bpftool}
missing=()
command -v "$clang" >/dev/null 2>&1 || missing+=(clang)
command -v "$bpftool" >/dev/null 2>&1 || missing+=(bpftool)
[[ -r /sys/kernel/btf/vmlinux ]] || missing+=("/sys/kernel/btf/vmlinux (kernel BTF)")
[[ -r /usr/include/bpf/bpf_helpers.h ]] || missing+=("libbpf-dev headers")
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "peregrine-driver: eBPF object NOT built, missing: ${missing[*]} (run bin/setup as root); live capture tests will skip" >&2
  exit 0
fi
gen="$out/../bpf-gen"
mkdir -p "$out/dev/peregrine/driver" "$gen"
if ! "$bpftool" btf dump file /sys/kernel/btf/vmlinux format c > "$gen/vmlinux.h.tmp"; then
  echo "peregrine-driver: bpftool could not dump kernel BTF; eBPF object NOT built" >&2
  exit 0
fi
mv "$gen/vmlinux.h.tmp" "$gen/vmlinux.h"
if ! "$clang" -O2 -g -target bpf -D__TARGET_ARCH_x86 -I"$gen" -c "$src/peregrine.bpf.c" \
    -o "$out/dev/peregrine/driver/peregrine.bpf.o"; then
  echo "peregrine-driver: clang failed to compile the eBPF driver" >&2
  exit 1
fi
