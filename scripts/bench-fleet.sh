#!/usr/bin/env bash
# Measures generator fleets against the C server, for docs/distributed.md: one generator, then 2
# and 4 shards as local processes, then 2 and 4 shards as OpenSSH hosts, each in open loop at the
# same total rate, in rounds that take turns. Kinds local-1 and ssh-1 (a fleet of one) are there to
# compare N shards with one on the same kind of host. Every host is a network namespace made here (the C
# server in one, an sshd in each generator host), all removed on exit; traffic goes only to them.
#
#   sudo scripts/bench-fleet.sh --greet-c PATH [--rate 2000] [--seconds 10] [--warmup 5] [--start-delay 15]
#                               [--generator-cpus 1|none] [--kinds 'single local-2 local-4 ssh-2 ssh-4'
#                               (also local-1, ssh-1)]
#                               [--rounds 3] [--shard-threads N] [--java PATH]
#
# Per fleet run it checks, and prints: the merged count against the sum of the shards, the merged
# requested rate against --rate, the start skew, and HdrHistogram's own HistogramLogProcessor on
# the merged interval log against the merged summary (total count, mean, max). At the end: the
# median corrected p50 of each fleet kind against the single generator's.
# The server is pinned to CPU 0 and every generator (shards included) to CPU 1 (--generator-cpus
# none lets them use both), so the rate must
# be one a single generator keeps easily: N shard JVMs share that CPU, each with its own JIT, GC
# and timers (2,000/s costs one generator about an eighth of a CPU in open loop). The start delay
# gives N JVMs on one CPU time to start and go idle before the common instant.
# --shard-threads gives every shard that many generator threads (default: one per CPU it may use).
# Needs root, iproute2, OpenSSH (apt-get install openssh-server) and python3 for the checks.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rate=2000
seconds=10
warmup=5
start_delay=15
generator_cpus=1
kinds="single local-2 local-4 ssh-2 ssh-4"
rounds=3
shard_threads=""
greet_c=""
java=""
while [ $# -gt 0 ]; do
  case "$1" in
    --greet-c) greet_c=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --start-delay) start_delay=$2; shift 2 ;;
    --generator-cpus) generator_cpus=$2; shift 2 ;;
    --kinds) kinds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --shard-threads) shard_threads=$2; shift 2 ;;
    --java) java=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-fleet: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
[ -x "$greet_c" ] || { echo "bench-fleet: --greet-c must name the built C server, got '$greet_c'" >&2; exit 2; }
for n in "$rate" "$seconds" "$rounds" "$warmup" "$start_delay"; do
  case "$n" in ''|*[!0-9]*) echo "bench-fleet: --rate, --seconds, --warmup, --start-delay and --rounds take whole numbers, got '$n'" >&2; exit 2 ;; esac
done
[ "$(id -u)" = 0 ] || { echo "bench-fleet: needs root (network namespaces)" >&2; exit 2; }
[ -x /usr/sbin/sshd ] || { echo "bench-fleet: needs OpenSSH's sshd (apt-get install openssh-server)" >&2; exit 2; }
if [ -z "$java" ]; then
  # The newest JDK, as the launcher picks it: the shards' epoll engine needs 22 or newer.
  java=$(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -V | tail -n 1)
fi
[ -x "$java" ] || { echo "bench-fleet: no java found; give --java" >&2; exit 2; }

"$here/greetbench" --version >/dev/null
jar="$here/cli/target/greetbench.jar"
hdr=$(find "$HOME/.m2/repository/org/hdrhistogram/HdrHistogram" -name 'HdrHistogram-*.jar' | sort -V | tail -n 1)
out=$(mktemp -d /tmp/greetbench-fleet-XXXXXX)
net=10.235.0
port=9700

cleanup() {
  for ns in gbm-srv gbm-g1 gbm-g2 gbm-g3 gbm-g4; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  ip link del gbm-br 2>/dev/null || true
}
trap cleanup EXIT
cleanup

ip link add gbm-br type bridge && ip addr add "$net.1/24" dev gbm-br && ip link set gbm-br up
ssh-keygen -q -t ed25519 -N '' -f "$out/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$out/user_key"
cp "$out/user_key.pub" "$out/authorized_keys"
mkdir -p /run/sshd
i=0
for ns in gbm-srv gbm-g1 gbm-g2 gbm-g3 gbm-g4; do
  addr="$net.$((10 + i))"
  ip netns add "$ns"
  ip link add "gbm-v$i" type veth peer name eth0 netns "$ns"
  ip link set "gbm-v$i" master gbm-br up
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  if [ "$ns" != gbm-srv ]; then
    printf '%s\n' "ListenAddress $addr" "HostKey $out/host_key" "AuthorizedKeysFile $out/authorized_keys" \
      "PermitRootLogin prohibit-password" "PasswordAuthentication no" "UsePAM no" "StrictModes no" \
      "PidFile $out/sshd-$i.pid" > "$out/sshd-$i.conf"
    ip netns exec "$ns" /usr/sbin/sshd -f "$out/sshd-$i.conf" -E "$out/sshd-$i.log"
  fi
  i=$((i + 1))
done
ip netns exec gbm-srv taskset -c 0 "$greet_c" -p "$port" -b "$net.10" -n 1 >/dev/null 2>&1 &
sleep 1
target="$net.10:$port"
ssh_opts=(--ssh-option=-i --ssh-option="$out/user_key" --ssh-option=-oStrictHostKeyChecking=no
  --ssh-option=-oUserKnownHostsFile=/dev/null --ssh-option=-oLogLevel=ERROR)
common=(--target "$target" -R "$rate" -d "${seconds}s" --warmup "${warmup}s")
[ "$generator_cpus" = none ] || common+=(--cpus "$generator_cpus")
fleet=(--start-delay "${start_delay}s")
[ -z "$shard_threads" ] || fleet+=(--threads "$shard_threads")
echo "bench-fleet: greet-c on CPU 0 in its own namespace ($target); generators on CPUs $generator_cpus; -R $rate, ${seconds}s after ${warmup}s warm-up; fleets start ${start_delay}s after their hosts are ready; results in $out"

run() { # kind round
  local kind=$1 r=$2 dir="$out/$1-r$2"
  case "$kind" in
    single) "$here/greetbench" load "${common[@]}" --json "$dir.json" --hlog "$dir.hlog" >/dev/null 2>&1 || true ;;
    local-1) "$here/greetbench" load "${common[@]}" --generators local "${fleet[@]}" --out "$dir" >/dev/null 2>&1 || true ;;
    local-2) "$here/greetbench" load "${common[@]}" --generators local,local "${fleet[@]}" --out "$dir" >/dev/null 2>&1 || true ;;
    local-4) "$here/greetbench" load "${common[@]}" --generators local,local,local,local "${fleet[@]}" --out "$dir" >/dev/null 2>&1 || true ;;
    ssh-1|ssh-2|ssh-4)
      local hosts="root@$net.11"
      [ "$kind" != ssh-1 ] && hosts="$hosts,root@$net.12"
      [ "$kind" = ssh-4 ] && hosts="$hosts,root@$net.13,root@$net.14"
      "$here/greetbench" load "${common[@]}" --generators "$hosts" "${fleet[@]}" "${ssh_opts[@]}" \
        --remote-dir "$out/remote/{host}" --remote-java "$java --enable-native-access=ALL-UNNAMED" \
        --out "$dir" >/dev/null 2>&1 || true ;;
  esac
  local json=$dir.json hlog=$dir.hlog
  [ -d "$dir" ] && json=$dir/merged.json && hlog=$dir/merged.hlog
  "$java" -cp "$hdr" org.HdrHistogram.HistogramLogProcessor -i "$hlog" -o "$dir-hlp" -outputValueUnitRatio 1000 >/dev/null 2>&1 || true
  python3 - "$kind" "$r" "$json" "$dir" "$dir-hlp.hgrm" "$rate" <<'PY'
import json, os, re, sys
kind, r, path, d, hgrm, rate = sys.argv[1:]
m = json.load(open(path))
c = m["corrected"]
shards = [json.load(open(os.path.join(d, f))) for f in sorted(os.listdir(d)) if re.fullmatch(r"shard-\d+\.json", f)] if os.path.isdir(d) else []
total = sum(s["exchanges"] for s in shards) if shards else m["exchanges"]
foot = open(hgrm).read() if os.path.exists(hgrm) else ""
hc = re.search(r"Total count\s*=\s*(\d+)", foot); hm = re.search(r"Mean\s*=\s*([\d.]+)", foot); hx = re.search(r"Max\s*=\s*([\d.]+)", foot)
match = bool(hc and int(hc.group(1)) == c["count"] and abs(float(hm.group(1)) - c["mean"]) < 0.01 and abs(float(hx.group(1)) - c["max"]) < 0.01)
print(f"{kind:8} r{r}  exchanges {m['exchanges']:>7} (shards sum {total:>7})  requested {m['requested_rate']:>8.1f}"
      f"  achieved {m['achieved_rate']:>8.1f}  skew {m.get('start_skew_ms', 0):>5.2f} ms  p50 {c['p50']:>8.1f} us"
      f"  p99 {c['p99']:>9.1f} us  valid {str(m['valid']).lower():5}  HistogramLogProcessor {'same' if match else 'DIFFERENT'}"
      + ("" if m["valid"] else f"  ({m['invalid_reason'][:120]})"))
with open(os.path.join(os.path.dirname(d), "p50.tsv"), "a") as f:
    f.write(f"{kind}\t{c['p50']}\n")
PY
}

for r in $(seq 1 "$rounds"); do
  for kind in $kinds; do
    run "$kind" "$r"
  done
done
python3 - "$out/p50.tsv" <<'PY'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l]
by = {}
for k, v in rows:
    by.setdefault(k, []).append(float(v))
base = statistics.median(by["single"]) if "single" in by else None
for k, v in by.items():
    med = statistics.median(v)
    ratio = f"({med / base:.2f}x one generator's)" if base else ""
    # A fleet of one on the same kind of host has the same network path and start-up: against it,
    # the ratio is what splitting the load into N shards costs, apart from where the shards run.
    same = k.split("-")[0] + "-1"
    if k != same and same in by:
        ratio += f" ({med / statistics.median(by[same]):.2f}x {same}'s)"
    print(f"median corrected p50 {k:8} {med:8.1f} us  {ratio}  runs {', '.join(f'{x:.1f}' for x in v)}")
PY
