# Sourced by the scripts in bin/: selects the JDK Peregrine is built and run with (Java 25).
if [[ -z "${JAVA_HOME:-}" || ! -x "${JAVA_HOME}/bin/java" ]] || ! "${JAVA_HOME}/bin/java" -version 2>&1 | grep -q '"25'; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk /usr/lib/jvm/java-25-openjdk-amd64; do
    if [[ -x "$candidate/bin/java" ]]; then
      export JAVA_HOME="$candidate"
      break
    fi
  done
fi
if [[ -z "${JAVA_HOME:-}" || ! -x "${JAVA_HOME}/bin/java" ]]; then
  echo "peregrine: Java 25 not found; install Temurin 25 or set JAVA_HOME" >&2
  exit 2
fi
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own libraries (Guava) call sun.misc.Unsafe, which Java 25 warns about on every build; allow it quietly.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
