#!/usr/bin/env bash
# Measures the load generator against a C reference client on this machine: a C greeting server on
# CPU 0, the clients on CPU 1, taking turns, closed loop at 64 connections.
#
#   scripts/bench-generator.sh --greet-c PATH --load-c PATH [--rounds 3] [--seconds 10] [--port 9501]
#
# greet-c and load-c are the reference's C server and C client (build them with its Makefile);
# nothing here is built from them. Each round runs load-c, then `greetbench load` with the epoll
# engine, then with the nio engine, and prints one line per client: exchanges per second and the
# client's CPU per exchange (load-c: its CPU share over the run divided by its rate; greetbench:
# the process's CPU over the recorded window, JIT and GC included, divided by its exchanges).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=3
seconds=10
port=9501
greet_c=""
load_c=""
while [ $# -gt 0 ]; do
  case "$1" in
    --greet-c) greet_c=$2; shift 2 ;;
    --load-c) load_c=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-generator: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
[ -x "$greet_c" ] || { echo "bench-generator: --greet-c must name the built C server, got '$greet_c'" >&2; exit 2; }
[ -x "$load_c" ] || { echo "bench-generator: --load-c must name the built C client, got '$load_c'" >&2; exit 2; }
for n in "$rounds" "$seconds" "$port"; do
  case "$n" in ''|*[!0-9]*) echo "bench-generator: --rounds, --seconds and --port take whole numbers, got '$n'" >&2; exit 2 ;; esac
done

"$here/greetbench" --version >/dev/null
out=$(mktemp -d /tmp/greetbench-generator-XXXXXX)
taskset -c 0 "$greet_c" -p "$port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
sleep 0.5
kill -0 "$server" 2>/dev/null || { echo "bench-generator: greet-c did not start on port $port" >&2; exit 1; }

echo "round client            exchanges/s  CPU/exchange  errors"
for r in $(seq 1 "$rounds"); do
  line=$(taskset -c 1 "$load_c" -p "$port" -c 64 -d "$seconds" 2>&1 | grep '^RESULT')
  rate=$(sed -n 's/.* rate=\([0-9.]*\).*/\1/p' <<<"$line")
  cpu=$(sed -n 's/.* client_cpu=\([0-9.]*\).*/\1/p' <<<"$line")
  errs=$(awk '{n=0; for (i=1;i<=NF;i++) if ($i ~ /^(connect_err|reset|timeout|bad|io_err)=/) { split($i,a,"="); n+=a[2] } print n}' <<<"$line")
  awk -v r="$r" -v rate="$rate" -v cpu="$cpu" -v e="$errs" \
    'BEGIN { printf "%5d load-c            %11.0f  %9.1f us  %6d\n", r, rate, cpu / rate * 1e6, e }'
  for io in epoll nio; do
    taskset -c 1 "$here/greetbench" load --target "127.0.0.1:$port" -c 64 -d "${seconds}s" --warmup 3s \
      --io "$io" --json "$out/$io-$r.json" >/dev/null 2>&1 || true
    python3 - "$out/$io-$r.json" "$r" "$io" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
print("%5s greetbench --io %-5s %9.0f  %9.1f us  %6d" % (sys.argv[2], sys.argv[3], j["exchanges_per_second"], j["cpu_per_exchange_us"], j["errors_total"]))
PY
  done
done
echo "JSON results in $out"
