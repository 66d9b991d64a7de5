#!/usr/bin/env bash
# The Java peer of the cross-language trace chain (tests/interop/chains/java): resolves the jars
# pinned in its pom.xml (the official OpenTelemetry kafka-clients library instrumentation, the
# OpenTelemetry Java SDK, kafka-clients) from Maven Central into a cache and compiles the relay
# with javac against them.
#
#   scripts/setup.d/java-peer.sh     -> prints the peer directory (classes/, libs/) as last line
#
# Run it as `java -cp DIR/classes:DIR/libs/* dev.kafkatrace.interop.JavaRelay ...`.
# Environment: KAFKATRACE_CACHE (cache root, default $HOME/.cache/kafkatrace).
# Idempotent: stamps keyed on the pom (jars) and on the sources + javac version (classes) make a
# repeat run take milliseconds; a cold run takes seconds (Maven). Needs java and javac 17+ and mvn;
# when one is missing it exits 1 saying which.
set -euo pipefail

die() { echo "java-peer: error: $*" >&2; exit 1; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
peer_src=$root/tests/interop/chains/java
pom=$peer_src/pom.xml
[[ -f "$pom" ]] || die "missing $pom"
mapfile -t sources < <(find "$peer_src/src" -name '*.java' | LC_ALL=C sort)
((${#sources[@]} > 0)) || die "no Java sources under $peer_src/src"

dest=${KAFKATRACE_CACHE:-$HOME/.cache/kafkatrace}/java-peer
libs=$dest/libs
classes=$dest/classes
libs_stamp=$dest/.libs-complete
classes_stamp=$dest/.classes-complete

libs_want="pom=$(sha256sum "$pom" | cut -d' ' -f1)"
classes_key() {  # the jars, the sources and which javac (its resolved path; running it is slow)
  printf '%s sources=%s javac=%s\n' "$libs_want" \
    "$(cat "${sources[@]}" | sha256sum | cut -d' ' -f1)" "$(readlink -f "$(command -v javac)")"
}
stamp_is() { [[ -f "$1" ]] && [[ "$(cat "$1")" == "$2" ]]; }

# java and javac always (to run and to key the classes); mvn only when the jars must be fetched.
needed=(java javac)
stamp_is "$libs_stamp" "$libs_want" || needed+=(mvn)
missing=()
for tool in "${needed[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
((${#missing[@]} == 0)) || die "not found on PATH: ${missing[*]} (need a JDK 17+ and Maven:" \
  "apt-get install openjdk-17-jdk-headless maven, or scripts/setup.sh test)"

if stamp_is "$libs_stamp" "$libs_want" && stamp_is "$classes_stamp" "$(classes_key)"; then
  echo "$dest"
  exit 0
fi

mkdir -p "$dest"
exec 9>"$dest/.lock"   # serialise concurrent set-ups (ctest -j, setup.sh)
command -v flock >/dev/null 2>&1 && flock 9

if ! stamp_is "$libs_stamp" "$libs_want"; then
  echo "java-peer: resolving the pinned jars of $pom into $libs ..." >&2
  tmp=$dest/libs.tmp.$$
  rm -rf "$tmp"
  trap 'rm -rf "$tmp"' EXIT
  # Debian's Maven 3.8 prints bare colour escapes even in batch mode: strip them.
  if ! mvn -B -q -f "$pom" \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$tmp" 2>&1 |
      sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' >&2; then
    die "mvn dependency:copy-dependencies failed (is Maven Central reachable?)"
  fi
  compgen -G "$tmp/opentelemetry-kafka-clients-2.6-*.jar" >/dev/null ||
    die "mvn finished but copied no opentelemetry-kafka-clients-2.6 jar into $tmp"
  rm -rf "$libs"
  mv "$tmp" "$libs"
  trap - EXIT
  printf '%s\n' "$libs_want" >"$libs_stamp"
fi

classes_want=$(classes_key)
if ! stamp_is "$classes_stamp" "$classes_want"; then
  echo "java-peer: compiling ${#sources[@]} sources into $classes ..." >&2
  rm -rf "$classes" "$classes_stamp"
  javac -Xlint:all -Werror --release 17 -d "$classes" -cp "$libs/*" "${sources[@]}" ||
    die "javac failed"
  printf '%s\n' "$classes_want" >"$classes_stamp"
fi
echo "$dest"
