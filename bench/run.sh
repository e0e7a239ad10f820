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

feature() { # the feature release of the JDK at $1, or 0
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1 || true
}

java_home=""
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" && "$(feature "$JAVA_HOME")" -ge 21 ]]; then
    java_home="$JAVA_HOME"
else
    best=0
    for dir in /usr/lib/jvm/*/; do
        dir="${dir%/}"
        [[ -x "$dir/bin/java" ]] || continue
        v="$(feature "$dir")"
        if [[ -n "$v" && "$v" -ge 21 && "$v" -gt "$best" ]]; then
            best="$v"
            java_home="$dir"
        fi
    done
fi
[[ -n "$java_home" ]] || { echo "no JDK >= 21 found (JAVA_HOME or /usr/lib/jvm/*)" >&2; exit 1; }
java="$java_home/bin/java"
opens="--add-opens=java.base/java.lang=ALL-UNNAMED"

case "${1:-}" in
    footprint) shift; exec "$java" "$opens" -Xmx4g -cp "$jar" dev.corun.bench.ParkedFootprint "$@" ;;
    latency)   shift; exec "$java" "$opens" -Xmx4g -cp "$jar" dev.corun.bench.SchedulingLatency "$@" ;;
    tcp)       shift; exec "$java" "$opens" -Xmx4g -cp "$jar" dev.corun.bench.TcpLoad "$@" ;;
    *)         exec "$java" -jar "$jar" "$@" ;;
esac
