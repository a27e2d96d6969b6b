#!/usr/bin/env bash
# A realistic mixed workload for the replay benchmark's live capture: searching and reading source trees (grep,
# git), package queries, shell loops spawning short processes, and file churn (create, rename, link, chmod, delete).
# Runs until killed. Used by bin/bench-replay while `peregrine capture` records the benchmark's live capture.
set -u
repo="${BENCH_GIT_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
i=0
while :; do
  i=$((i+1))
  grep -rIl --exclude-dir=.git -e peregrine_nonexistent_token /usr/share /usr/include /usr/lib/python3* \
    >/dev/null 2>&1
  git -C "$repo" log --oneline -20 HEAD >/dev/null 2>&1
  git -C "$repo" show --stat "HEAD~$((i % 50))" >/dev/null 2>&1
  dpkg -S /bin/ls >/dev/null 2>&1
  apt-cache policy bash >/dev/null 2>&1
  for f in /etc/*.conf /etc/default/*; do head -c 64 "$f" >/dev/null 2>&1; done
  for j in 1 2 3 4 5; do
    mkdir -p "$scratch/d$j"; echo "$i $j" > "$scratch/d$j/f"; mv "$scratch/d$j/f" "$scratch/d$j/g"
    cp "$scratch/d$j/g" "$scratch/h$j"; ln -sf "$scratch/h$j" "$scratch/l$j"; chmod 600 "$scratch/h$j"
    rm -rf "$scratch/d$j" "$scratch/l$j"
  done
  ps aux >/dev/null
  tar -czf "$scratch/t.tgz" -C /etc passwd group hosts 2>/dev/null; tar -tzf "$scratch/t.tgz" >/dev/null
done
