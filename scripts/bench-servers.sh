#!/usr/bin/env bash
# Measures the Java servers beside the C server with the C client, for docs/servers.md: every server
# on CPU 0 with its default options (no CPU budget), load-c on CPU 1. All servers start first and
# each is warmed up (closed loop, c=64, 20 s: after 8 s the Java servers still got cheaper round
# by round) long enough for the JITs to settle; then, in rounds that take turns (the order rotates
# each round), each server gets a closed-loop run at c=64, from which its CPU per exchange is taken
# (utime + stime from /proc/<pid>/stat over the run, divided by the exchanges load-c completed),
# and a run at c=1, from which its p50 is taken (load-c's own figure).
#
#   scripts/bench-servers.sh --greet-c PATH --load-c PATH [--rounds 3] [--seconds 6] [--warmup 20]
#                            [--servers 'nio netty loom'] [--floor] [--extra NAME=COMMAND]... [--out DIR]
#
# greet-c and load-c are the reference's C server and C client (build them with its Makefile);
# nothing here is built from them. --floor also builds scripts/greet-floor.c (needs cc) and runs it
# three ways beside the others: c+jdk (greet-c's loop plus the JDK channel's calls per accepted
# socket), c+linger (plus the protocol's lingering close) and c+jdk+linger (both: the system calls
# of the nio server, with no JVM), so the table shows what those calls cost by themselves. Where
# liburing is installed it also builds scripts/greet-floor-uring.c and runs c+uring (accept, recv,
# send and close through io_uring, with the lingering close, as the netty server on Netty's
# io_uring transport) and c+uring+netty (plus Netty's own direct calls per socket).
# --extra runs any other server beside them, a variant to compare in the same rounds: COMMAND is
# run by bash with PORT replaced by its port, e.g.
#   --extra 'netty-noleak=GREETBENCH_JVM_OPTS=-Dio.netty.leakDetection.level=disabled ./greetbench serve netty --port PORT'
# It must exec the server (the launcher does), so that its process is the one measured.
#
# Prints one line per server and round (CPU split into user and kernel time), then the medians and
# their ratios to greet-c's; writes the same as TSV to DIR/rounds.tsv. Only ratios within one run
# mean anything on a shared machine: every figure moves 15-30% between runs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=3
seconds=6
warmup=20
servers="nio netty loom"
floor=false
extras=()
greet_c=""
load_c=""
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --greet-c) greet_c=$2; shift 2 ;;
    --load-c) load_c=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --servers) servers=$2; shift 2 ;;
    --floor) floor=true; shift ;;
    --extra)
      case "$2" in [A-Za-z0-9]*=?*) extras+=("$2") ;; *) echo "bench-servers: --extra takes NAME=COMMAND, got '$2'" >&2; exit 2 ;; esac
      shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-servers: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
[ -x "$greet_c" ] || { echo "bench-servers: --greet-c must name the built C server, got '$greet_c'" >&2; exit 2; }
[ -x "$load_c" ] || { echo "bench-servers: --load-c must name the built C client, got '$load_c'" >&2; exit 2; }
for n in "$rounds" "$seconds" "$warmup"; do
  case "$n" in ''|*[!0-9]*) echo "bench-servers: --rounds, --seconds and --warmup take whole numbers, got '$n'" >&2; exit 2 ;; esac
done
for s in $servers; do
  case "$s" in nio|netty|loom) ;; *) echo "bench-servers: --servers takes nio, netty, loom; got '$s'" >&2; exit 2 ;; esac
done
[ "$(nproc)" -ge 2 ] || { echo "bench-servers: needs two CPUs (server on CPU 0, client on CPU 1)" >&2; exit 2; }

"$here/greetbench" --version >/dev/null
out=${out:-$(mktemp -d /tmp/greetbench-servers-XXXXXX)}
mkdir -p "$out"
tick=$(getconf CLK_TCK)
declare -A pid port
cleanup() { for p in "${pid[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# Waits until a server answers; load-c's RESULT line counts the greetings it got.
answers() { "$load_c" -p "$1" -c 1 -d 0.2 2>/dev/null | grep -q ' ok=[1-9]'; }

next_port=9701
start() {
  local name=$1; shift
  port[$name]=$next_port; next_port=$((next_port + 1))
  taskset -c 0 "$@" >"$out/$name.log" 2>&1 &
  pid[$name]=$!
  for _ in $(seq 100); do answers "${port[$name]}" && return 0; sleep 0.2; done
  echo "bench-servers: $name did not answer on port ${port[$name]} (see $out/$name.log)" >&2; exit 1
}

start greet-c "$greet_c" -p "$next_port"
floors=()
if $floor; then
  command -v cc >/dev/null || { echo "bench-servers: --floor needs a C compiler (cc)" >&2; exit 2; }
  cc -O2 -Wall -Wextra -o "$out/greet-floor" "$here/scripts/greet-floor.c"
  start c+jdk "$out/greet-floor" -J -p "$next_port"
  start c+linger "$out/greet-floor" -L -p "$next_port"
  start c+jdk+linger "$out/greet-floor" -J -L -p "$next_port"
  floors=(c+jdk c+linger c+jdk+linger)
  # The same for netty's transport, where liburing is installed (liburing-dev on Debian).
  if cc -O2 -Wall -Wextra -o "$out/greet-floor-uring" "$here/scripts/greet-floor-uring.c" -luring 2>"$out/greet-floor-uring.cc.log"; then
    start c+uring "$out/greet-floor-uring" -p "$next_port"
    start c+uring+netty "$out/greet-floor-uring" -N -p "$next_port"
    floors+=(c+uring c+uring+netty)
  else
    echo "bench-servers: --floor without its io_uring rows: scripts/greet-floor-uring.c needs liburing (see $out/greet-floor-uring.cc.log)" >&2
  fi
fi
for s in $servers; do
  start "$s" "$here/greetbench" serve "$s" --port "$next_port"
done
extra_names=()
for e in "${extras[@]}"; do
  name=${e%%=*}; command=${e#*=}
  # exec env: bash, then env, become the server (VAR=value prefixes allowed), so its pid is the server's.
  start "$name" bash -c "exec env ${command//PORT/$next_port}"
  extra_names+=("$name")
done
lineup=(greet-c "${floors[@]}" $servers "${extra_names[@]}")
for s in "${lineup[@]}"; do
  echo "warm-up: $s, ${warmup} s at c=64" >&2
  taskset -c 1 "$load_c" -p "${port[$s]}" -c 64 -d "$warmup" >/dev/null 2>&1
done

# utime and stime, in clock ticks: user and kernel time (softirq work is charged to whichever task runs).
cpu_ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }

printf 'round\tserver\texch_per_s\tcpu_us_per_exch\tuser_us_per_exch\tkernel_us_per_exch\tc1_p50_us\n' >"$out/rounds.tsv"
for r in $(seq "$rounds"); do
  n=${#lineup[@]}
  for i in $(seq 0 $((n - 1))); do
    s=${lineup[$(( (i + r - 1) % n ))]}
    before=$(cpu_ticks "${pid[$s]}")
    result=$(taskset -c 1 "$load_c" -p "${port[$s]}" -c 64 -d "$seconds" 2>&1 | grep '^RESULT')
    after=$(cpu_ticks "${pid[$s]}")
    ok=$(field ok <<<"$result"); secs=$(field secs <<<"$result")
    c1=$(taskset -c 1 "$load_c" -p "${port[$s]}" -c 1 -d 3 2>&1 | grep '^RESULT' | field p50)
    line=$(awk -v r="$r" -v s="$s" -v ok="$ok" -v secs="$secs" -v before="$before" -v after="$after" -v hz="$tick" -v c1="$c1" \
      'BEGIN { split(before, b, " "); split(after, a, " "); us = ok > 0 ? 1e6 / hz / ok : 0
               user = (a[1] - b[1]) * us; kernel = (a[2] - b[2]) * us
               printf "%d\t%s\t%.0f\t%.1f\t%.1f\t%.1f\t%.1f", r, s, ok / secs, user + kernel, user, kernel, c1 }')
    echo "$line" >>"$out/rounds.tsv"
    echo "$line" | awk -F'\t' '{ printf "round %s  %-12s %8s exch/s  %6s us CPU/exch (user %5s, kernel %5s)  c=1 p50 %6s us\n", $1, $2, $3, $4, $5, $6, $7 }'
  done
done

# Two ratios to greet-c: of the medians, and the median of each round's own ratio (greet-c ran in
# the same round, minutes apart at most, so the machine's slow drifts cancel better).
echo
echo "medians over $rounds rounds; ratios to greet-c: of the medians, then the median of the rounds' ratios"
awk -F'\t' 'NR > 1 { cpu[$2] = cpu[$2] " " $4; user[$2] = user[$2] " " $5; kernel[$2] = kernel[$2] " " $6; p50[$2] = p50[$2] " " $7
                      c[$1, $2] = $4; p[$1, $2] = $7; rounds[$1] = 1
                      if (!($2 in seen)) { order[++k] = $2; seen[$2] = 1 } }
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    base_cpu = median(cpu["greet-c"]); base_p50 = median(p50["greet-c"])
    for (i = 1; i <= k; i++) {
      s = order[i]; cr = ""; pr = ""
      for (r in rounds) if (c[r, "greet-c"] > 0 && p[r, "greet-c"] > 0) { cr = cr " " c[r, s] / c[r, "greet-c"]; pr = pr " " p[r, s] / p[r, "greet-c"] }
      printf "  %-12s CPU/exch %6.1f us (%.2fx, rounds %.2fx; user %5.1f, kernel %5.1f)   c=1 p50 %6.1f us (%.2fx, rounds %.2fx)\n", \
        s, median(cpu[s]), median(cpu[s]) / base_cpu, median(cr), median(user[s]), median(kernel[s]), median(p50[s]), median(p50[s]) / base_p50, median(pr)
    }
  }' "$out/rounds.tsv" | tee "$out/medians.txt"

# The yardstick's own spread says whether the machine kept one pace: here it sometimes runs a few
# minutes in a faster phase (every server, greet-c too, 20-25% cheaper), and a median over rounds
# from both phases compares servers measured in different ones.
awk -F'\t' 'NR > 1 && $2 == "greet-c" { if (min == "" || $4 < min) min = $4; if ($4 > max) max = $4 }
  END { if (min > 0 && max / min > 1.15)
          printf "warning: greet-c itself cost %.1f-%.1f us per exchange across the rounds (%.0f%% apart): the machine changed pace during the run, so the ratios mix phases; compare within a round, or run again\n", min, max, (max / min - 1) * 100 }' \
  "$out/rounds.tsv" | tee -a "$out/medians.txt"
echo "per-round figures: $out/rounds.tsv" >&2
