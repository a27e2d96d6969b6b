#!/usr/bin/env bash
# Live driver overhead and drain figures (root, clang, a built reactor: mvn -q -o -pl peregrine-driver -am test-compile).
# Prints syscall_loop's ns per open+close pair and per getppid without the driver, then with LiveSource draining.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
n=${1:-1000000}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
work=$(mktemp -d)
clang -O2 -o "$work/syscall_loop" "$here/syscall_loop.c"
jackson=$(find ~/.m2/repository/com/fasterxml/jackson/core -name '*.jar' | tr '\n' ':')
cp="$root/peregrine-driver/target/classes:$root/peregrine-event/target/classes:$root/peregrine-capture/target/classes:$jackson"
echo "== without the driver"
"$work/syscall_loop" "$n"
echo "== with LiveSource draining"
"$java" --enable-native-access=ALL-UNNAMED -cp "$cp" "$here/LiveDrain.java" "$work/syscall_loop" "$n"
rm -rf "$work"
