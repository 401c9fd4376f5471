#!/usr/bin/env bash
# Calibrates `greetbench gate` on this machine: how often it raises a false alarm when both sides
# are the same build (A/A), how often it detects an injected slowdown, and how long a run takes.
#
#   scripts/calibrate-gate.sh [--runs N] [--servers nio,netty,loom] [--slowdown cpu:6 | --slowdown-us US]
#                             [--tail tail:2:5] [--budget 5m] [--out DIR] [--jar FILE]
#                             [--skip-aa] [--skip-slowdown] [--skip-tail] [-- gate options...]
#
# Three series of --runs each. A/A gates the jar against itself (a regression is a false alarm).
# The slowdown series gives the candidate `--handler cpu:US` (US microseconds of spinning per
# exchange; --slowdown takes any handler, e.g. cpu:10 where cpu:6 costs a server less than 10%);
# the tail series gives it `--handler tail:P:MS` (P% of exchanges wait MS ms before the reply). In
# both a regression is a detection. The script reports the change the gate measured, so you can see
# what the injected work cost. Options after `--` go to every gate run (e.g. `--workload open:3000`).
#
# The jar (this checkout's, built by the launcher when needed, or --jar FILE) is copied once to the
# output directory, so both sides of every run are the same bytes even if the sources change (and
# the launcher rebuilds) while calibration runs.
#
# Prints one line per run, then the counts: false alarms (exit 3 in A/A), detections (exit 3 with
# the slowdown), inconclusive runs (exit 4), tool failures (exit 1 or anything else), run times.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=10
servers=nio
slowdown=cpu:6
tail=tail:2:5
do_tail=1
budget=5m
out=""
source_jar=""
do_aa=1
do_slow=1
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --servers) servers=$2; shift 2 ;;
    --slowdown-us) slowdown=cpu:$2; shift 2 ;;
    --slowdown) slowdown=$2; shift 2 ;;
    --tail) tail=$2; shift 2 ;;
    --skip-tail) do_tail=0; shift ;;
    --budget) budget=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --jar) source_jar=$2; shift 2 ;;
    --skip-aa) do_aa=0; shift ;;
    --skip-slowdown) do_slow=0; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "calibrate-gate: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
case "$runs" in ''|*[!0-9]*) echo "calibrate-gate: --runs must be a positive whole number, got '$runs'" >&2; exit 2 ;; esac
case "$slowdown" in cpu:[0-9]*|sleep:[0-9]*|tail:[0-9]*:[0-9]*) ;; *) echo "calibrate-gate: --slowdown takes a handler such as cpu:6, got '$slowdown'" >&2; exit 2 ;; esac
case "$tail" in tail:[0-9]*:[0-9]*) ;; *) echo "calibrate-gate: --tail takes tail:PERCENT:MS, got '$tail'" >&2; exit 2 ;; esac
[ "$runs" -ge 1 ] || { echo "calibrate-gate: --runs must be at least 1" >&2; exit 2; }

out=${out:-$(mktemp -d /tmp/greetbench-calibration-XXXXXX)}
mkdir -p "$out"

# Build (or refresh) the jar through the launcher unless one is given, then freeze a copy.
if [ -z "$source_jar" ]; then
  "$here/greetbench" --version >/dev/null
  source_jar="$here/cli/target/greetbench.jar"
fi
[ -f "$source_jar" ] || { echo "calibrate-gate: no jar at $source_jar" >&2; exit 2; }
jar="$out/greetbench.jar"
cp "$source_jar" "$jar"

java_home=""
for home in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
  if [ -n "$home" ] && [ -x "$home/bin/java" ]; then java_home=$home; break; fi
done
[ -n "$java_home" ] || { echo "calibrate-gate: no JDK found" >&2; exit 1; }
java=$java_home/bin/java
flags=(--enable-native-access=ALL-UNNAMED)
if "$java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  flags+=(--sun-misc-unsafe-memory-access=allow)
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
export GREETBENCH_JAVA=$java GREETBENCH_JAR=$jar GREETBENCH_JVM_FLAGS="${flags[*]}"

echo "calibrate-gate: $runs runs per series, servers $servers, budget $budget, slowdown $slowdown, tail $tail; results in $out"
echo "calibrate-gate: jar $jar ($(sha256sum "$jar" | cut -c1-12)), java $("$java" -version 2>&1 | head -n 1)"

# Runs one series; $1 = name, rest = extra gate options. Appends "name exit seconds" to $out/runs.txt.
series() {
  local name=$1; shift
  local i code start end
  for i in $(seq 1 "$runs"); do
    start=$(date +%s.%N)
    set +e
    "$java" "${flags[@]}" -jar "$jar" gate --baseline "$jar" --servers "$servers" --budget "$budget" \
      --json "$out/$name-$i.json" --markdown "$out/$name-$i.md" "$@" "${extra[@]}" \
      >"$out/$name-$i.out" 2>"$out/$name-$i.err"
    code=$?
    set -e
    end=$(date +%s.%N)
    local secs
    secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
    echo "$name $code $secs" >>"$out/runs.txt"
    printf 'calibrate-gate: %-8s run %2d: exit %d in %4d s; %s\n' "$name" "$i" "$code" "$secs" \
      "$(grep -h '^verdict:' "$out/$name-$i.out" 2>/dev/null || tail -n 1 "$out/$name-$i.err")"
    grep -hE '^(nio|netty|loom)' "$out/$name-$i.out" 2>/dev/null | sed 's/^/    /' || true
  done
}

: >"$out/runs.txt"
[ "$do_aa" = 1 ] && series aa
[ "$do_slow" = 1 ] && series slow --candidate-args "--handler $slowdown"
[ "$do_tail" = 1 ] && series tail --candidate-args "--handler $tail"

# Summary: counts per series, run times, and the median change the gate measured per metric.
summarize() {
  local name=$1 label=$2
  local counts times
  counts=$(awk -v n="$name" '
    $1 == n { total++; if ($2 == 0) pass++; else if ($2 == 3) reg++; else if ($2 == 4) inc++; else fail++ }
    END { printf "%d runs: %d regression, %d pass, %d inconclusive, %d tool failures", total, reg, pass, inc, fail }' "$out/runs.txt")
  # Median and max run time (POSIX awk has no sort: sort first).
  times=$(awk -v n="$name" '$1 == n { print $3 }' "$out/runs.txt" | sort -n | awk '
    { t[NR] = $1 } END { if (NR) printf "run time median %d s, max %d s", t[int((NR + 1) / 2)], t[NR] }')
  echo "$label: $counts; $times"
  # The change each run measured, from its JSON (ratio - 1), per server and metric.
  local files=("$out/$name"-*.json)
  [ -e "${files[0]}" ] || return 0
  "$java" "${flags[@]}" -cp "$jar" io.greetbench.gate.GateCalibrationSummary "${files[@]}" | sed 's/^/    /'
}
echo
echo "calibrate-gate: summary ($out)"
[ "$do_aa" = 1 ] && summarize aa "A/A (same build both sides; regression = false alarm)"
[ "$do_slow" = 1 ] && summarize slow "slowdown (candidate --handler $slowdown; regression = detection)"
[ "$do_tail" = 1 ] && summarize tail "tail (candidate --handler $tail; regression = detection)"
echo "calibrate-gate: rerun with: scripts/calibrate-gate.sh --runs $runs --servers $servers --slowdown $slowdown --tail $tail --budget $budget"
