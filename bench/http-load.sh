#!/usr/bin/env bash
# HTTP load: wrk against hello world from a corun Java handler, a corun Kotlin handler and a raw
# Ktor-Netty app (side by side in one run), then the seed 001 handler against a 50 ms upstream.
# Build first:  mvn -B -q -DskipTests -pl bench -am package        Needs wrk (apt-get install wrk).
#
#   bench/http-load.sh [SECONDS=10] [CONNECTIONS=64] [THREADS=2] [DELAY_MS=50]
#   SERVER_OPTS='-Dbench.reactorThreads=1' bench/http-load.sh    extra JVM options for the servers
#   MODES='seed001' bench/http-load.sh                             a subset of: java kotlin ktor seed001
#
# Each server runs in its own JVM (JDK >= 21 as in run.sh, with the add-opens flag); each gets two
# warm-up runs, 3 s then 10 s, before the measured one. The JIT needs the time (with one 3 s run
# the corun servers came out about 40 % lower, raw Ktor 20 %), and the end of a wrk run closes its
# connections: the disconnect paths then run for the first time and deoptimise hot code. After
# one 10 s warm-up, seed 001's server still spent ~250 us of C2 CPU per request in the measured
# run; after 3 s + 10 s, 60-460 us (session 6), so seed 001 gets a third warm-up run of 20 s:
# at ~1 200 req/s it sees 60 times fewer requests per second than hello world, and its JIT
# needs the time (after 3 + 10 + 20 s: 7-29 us). Raw wrk output goes to
# bench/results/<date>/http-*.txt, the summary lines (with the machine's idle share and the
# server's CPU by thread group, from thread-cpu.py) to http-summary.txt there.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/benchmarks.jar"
[[ -f "$jar" ]] || { echo "no $jar: build it with 'mvn -B -q -DskipTests -pl bench -am package'" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }

secs="${1:-10}"; conns="${2:-64}"; threads="${3:-2}"; delay="${4:-50}"

# shellcheck source=jdk.sh
source "$here/jdk.sh"

out="$here/results/$(date -u +%F)"
mkdir -p "$out"
# start() runs in $(...) subshells, so the server pids go to a file the EXIT trap reads.
pidfile="$(mktemp)"
cleanup() { while read -r p; do kill "$p" 2>/dev/null || true; done < "$pidfile"; rm -f "$pidfile"; }
trap cleanup EXIT


# start MODE PORT [ARG]: starts a server JVM, waits for its "ready" line
start() {
    local log="$out/http-server-$1.log"
    : > "$log"
    "$java" --add-opens=java.base/java.lang=ALL-UNNAMED -Xmx1g ${SERVER_OPTS:-} -cp "$jar" dev.corun.bench.HttpBenchServers "$@" > "$log" 2>&1 &
    local pid=$!
    echo "$pid" >> "$pidfile"
    for _ in $(seq 1 120); do
        grep -q "^ready" "$log" && { echo "$pid"; return; }
        kill -0 "$pid" 2>/dev/null || { echo "server $1 died:" >&2; cat "$log" >&2; exit 1; }
        sleep 0.5
    done
    echo "server $1 not ready after 60 s" >&2; exit 1
}

# cpu_ticks PID...: user + system CPU of the processes so far, in clock ticks
cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }

# idle_ticks: idle + iowait ticks of the whole machine so far, and all ticks, from /proc/stat
idle_ticks() { awk '/^cpu / {t = 0; for (i = 2; i <= NF; i++) t += $i; print $5 + $6, t}' /proc/stat; }

# load NAME URL PID...: warm-up, measured run, one summary line. Besides wrk's figures it reports
# the server processes' CPU time per request (from /proc), which a busy machine distorts less
# than requests per second: on a quiet one, requests/s ~ cores / (server + wrk CPU per request).
# It also reports how idle the machine was during the run (a server that leaves cores idle under
# load is waiting, not computing), and below the line the first server's CPU by thread group.
load() {
    local name="$1" url="$2"; shift 2
    wrk -t"$threads" -c"$conns" -d3s "$url" > /dev/null
    wrk -t"$threads" -c"$conns" -d10s "$url" > /dev/null
    [[ -z "${EXTRA_WARMUP:-}" ]] || wrk -t"$threads" -c"$conns" -d"${EXTRA_WARMUP}s" "$url" > /dev/null
    local ticks0; ticks0=$(cpu_ticks "$@")
    local idle0; idle0=$(idle_ticks)
    "$here/thread-cpu.py" snap "$1" > "$out/.threads-before"
    wrk -t"$threads" -c"$conns" -d"${secs}s" --latency "$url" > "$out/http-$name.txt"
    "$here/thread-cpu.py" snap "$1" > "$out/.threads-after"
    local idle1; idle1=$(idle_ticks)
    local ticks1; ticks1=$(cpu_ticks "$@")
    local rps p50 p99 errors requests cpu
    requests=$(awk '/requests in/ {print $1}' "$out/http-$name.txt")
    cpu=$(awk -v t="$((ticks1 - ticks0))" -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
    rps=$(awk '/^Requests\/sec/ {print $2}' "$out/http-$name.txt")
    p50=$(awk '$1 == "50%" {print $2}' "$out/http-$name.txt")
    p99=$(awk '$1 == "99%" {print $2}' "$out/http-$name.txt")
    errors=$(grep -E "Socket errors|Non-2xx" "$out/http-$name.txt" | tr '\n' ' ' || true)
    local idle; idle=$(echo "$idle0 $idle1" | awk '{ printf "%.0f", 100 * ($3 - $1) / ($4 - $2) }')
    printf '%-12s %10s req/s   p50 %8s   p99 %8s   server CPU %6s us/req   machine idle %3s %%   %s\n' "$name" "$rps" "$p50" "$p99" "$cpu" "$idle" "${errors:-no errors}" | tee -a "$out/http-summary.txt"
    "$here/thread-cpu.py" diff "$out/.threads-before" "$out/.threads-after" "$requests" | head -n 4 | tee -a "$out/http-summary.txt"
    rm -f "$out/.threads-before" "$out/.threads-after"
}

pyport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

{
    echo "== $(date -u '+%F %T') UTC  wrk -t$threads -c$conns -d${secs}s  server options: ${SERVER_OPTS:-none}  $(nproc) cores  load: $(cut -d' ' -f1-3 /proc/loadavg)  java: $("$java" -version 2>&1 | head -n 1)"
} | tee -a "$out/http-summary.txt"

modes=" ${MODES:-java kotlin ktor seed001} "
for mode in java kotlin ktor; do
    [[ "$modes" == *" $mode "* ]] || continue
    port=$(pyport)
    pid=$(start "$mode" "$port")
    load "hello-$mode" "http://127.0.0.1:$port/" "$pid"
    kill "$pid"; wait "$pid" 2>/dev/null || true
done

[[ "$modes" == *" seed001 "* ]] || exit 0
up_port=$(pyport); seed_port=$(pyport)
up_pid=$(start upstream "$up_port" "$delay")
seed_pid=$(start seed001 "$seed_port" "$up_port")
tw_before=$(ss -Htan state time-wait "( dport = :$up_port or sport = :$up_port )" | wc -l)
EXTRA_WARMUP=20 load "seed001" "http://127.0.0.1:$seed_port/" "$seed_pid" "$up_pid"
tw_after=$(ss -Htan state time-wait "( dport = :$up_port or sport = :$up_port )" | wc -l)
est=$(ss -Htan state established "( dport = :$up_port )" | wc -l)
echo "seed001: upstream delay ${delay} ms, ceiling ${conns}/${delay}ms = $((conns * 1000 / delay)) req/s; TIME_WAIT sockets to/from the upstream port before $tw_before, after $tw_after; connections open to the upstream at the end $est" | tee -a "$out/http-summary.txt"
kill "$seed_pid" "$up_pid"
