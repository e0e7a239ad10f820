#!/usr/bin/env bash
# Runs corun's benchmarks on a JDK >= 21: JAVA_HOME if it is one, else the newest under /usr/lib/jvm.
# Build first:  mvn -B -q -DskipTests -pl bench -am package
#
#   bench/run.sh [JMH options] [benchmark regex]   JMH, e.g. bench/run.sh -f 1 -wi 2 -i 3 SpawnJoin
#   bench/run.sh footprint [KIND COUNT | counts]    heap bytes per parked coroutine (ParkedFootprint)
#   bench/run.sh latency [CONFIG... | seconds]      scheduling latency under CPU hogs (SchedulingLatency)
#   bench/run.sh tcp task|echo [SECONDS [CONNECTIONS [WINDOW]]]   TCP server load (TcpLoad; client in a child JVM)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/benchmarks.jar"
[[ -f "$jar" ]] || { echo "no $jar: build it with 'mvn -B -q -DskipTests -pl bench -am package'" >&2; exit 1; }

# shellcheck source=jdk.sh
source "$here/jdk.sh"
opens="--add-opens=java.base/java.lang=ALL-UNNAMED"

case "${1:-}" in
    footprint) shift; exec "$java" "$opens" -Xmx4g -cp "$jar" dev.corun.bench.ParkedFootprint "$@" ;;
    latency)   shift; exec "$java" "$opens" -Xmx4g -cp "$jar" dev.corun.bench.SchedulingLatency "$@" ;;
    tcp)       shift; exec "$java" "$opens" -Xmx4g -cp "$jar" dev.corun.bench.TcpLoad "$@" ;;
    *)         exec "$java" -jar "$jar" "$@" ;;
esac
