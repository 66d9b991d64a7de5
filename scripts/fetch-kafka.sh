#!/usr/bin/env bash
# Resolve the pinned Apache Kafka broker jars (tests/kafka-real/pom.xml) into
# a local cache so scripts/kafka-real.sh can start a real broker.
#
#   scripts/fetch-kafka.sh            -> prints the libs dir as the last line
#
# Environment:
#   KAFKATRACE_CACHE   cache root (default: $HOME/.cache/kafkatrace)
#   KAFKA_VERSION      override the version pinned in the pom
#
# Idempotent: when the libs dir is complete (stamp file matches the pom and
# version) it exits at once without running Maven.
set -euo pipefail

die() { echo "fetch-kafka: error: $*" >&2; exit 1; }

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pom_dir=$(cd "$script_dir/../tests/kafka-real" 2>/dev/null && pwd) \
  || die "tests/kafka-real not found next to $script_dir"
pom="$pom_dir/pom.xml"
[[ -f "$pom" ]] || die "missing $pom"

pinned=$(sed -n 's:.*<kafka.version>\([^<]*\)</kafka.version>.*:\1:p' "$pom" | head -n1)
[[ -n "$pinned" ]] || die "could not read <kafka.version> from $pom"
version=${KAFKA_VERSION:-$pinned}

cache_root=${KAFKATRACE_CACHE:-$HOME/.cache/kafkatrace}
dest="$cache_root/kafka-$version"
libs="$dest/libs"
stamp="$dest/.complete"

# The stamp records what produced the libs dir; a pom edit invalidates it.
pom_sum=$(sha256sum "$pom" | cut -d' ' -f1)
want_stamp="version=$version pom=$pom_sum"

is_fresh() {
  [[ -f "$stamp" && -d "$libs" ]] && [[ "$(cat "$stamp")" == "$want_stamp" ]] \
    && compgen -G "$libs/kafka_2.13-*.jar" >/dev/null
}

if is_fresh; then
  echo "$libs"
  exit 0
fi

command -v java >/dev/null 2>&1 || die "java not found on PATH (need a JDK/JRE >= 17)"
command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (install Maven, e.g. apt-get install maven)"

mkdir -p "$dest"

# Serialise concurrent fetches of the same version.
exec 9>"$dest/.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi
if is_fresh; then   # another process finished while we waited
  echo "$libs"
  exit 0
fi

tmp="$dest/libs.tmp.$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT

echo "fetch-kafka: resolving org.apache.kafka:kafka_2.13:$version into $libs ..." >&2
# Debian's Maven 3.8 emits bare ESC[0m sequences even in batch mode; strip
# them (and the blank lines they leave) so only real messages reach stderr.
if ! mvn -B -q -f "$pom" \
      -Dkafka.version="$version" \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
      -DincludeScope=runtime \
      -DoutputDirectory="$tmp" 2>&1 \
    | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' >&2; then
  die "mvn dependency:copy-dependencies failed for kafka $version (is Maven Central reachable?)"
fi
compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null \
  || die "mvn finished but no kafka_2.13 jar was copied into $tmp"

rm -rf "$libs"
mv "$tmp" "$libs"
trap - EXIT
printf '%s\n' "$want_stamp" >"$stamp"
echo "$libs"
