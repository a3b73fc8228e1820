#!/usr/bin/env bash
# GroupGuard's OneBot v11 webhook against a bare Kestrel endpoint (tools/bare-endpoint: the same
# path, the body read, 204, nothing else), both published in this run and started on 127.0.0.1 in
# turn, with the same wrk load (tools/cluster-load.lua: every message distinct, one in ten an
# advert the shipped packs flag). GroupGuard runs on its defaults (SQLite, shipped rules) but for
# the GC: both run the workstation GC unless --server-gc gives GroupGuard its default, the server
# GC (README "Speed": the same rate, a longer p99 under this load); after
# the load the script waits until every accepted message is moderated, and checks that each
# advert it accepted, and nothing else, became an incident. Reports requests/s answered 2xx, p50
# and p99 latency, GroupGuard's ratio to the bare endpoint (README "Speed") and its peak resident memory.
#
#   tools/load.sh [--duration SECONDS] [--connections N] [--threads N] [--server-gc]
set -euo pipefail
cd "$(dirname "$0")/.."

duration=20
connections=32
threads=2
gc_server=0
source tools/load-common.sh
usage="usage: tools/load.sh [--duration SECONDS] [--connections N] [--threads N] [--server-gc]"
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) echo "$usage"; exit 0 ;;
        --duration) need_count "$usage" "$1" "${2-}"; duration=$2; shift 2 ;;
        --connections) need_count "$usage" "$1" "${2-}"; connections=$2; shift 2 ;;
        --threads) need_count "$usage" "$1" "${2-}"; threads=$2; shift 2 ;;
        --server-gc) gc_server=1; shift ;;
        *) echo "tools/load.sh: unknown option '$1'" >&2; echo "$usage" >&2; exit 2 ;;
    esac
done

need_tools wrk:wrk curl:curl python3:python3

work=$(mktemp -d /tmp/groupguard-load.XXXXXX)
pid=""
cleanup() {
    trap '' INT TERM # a second Ctrl+C while stopping would leave it running and the folder behind
    if [ -n "$pid" ]; then stop_pids "$pid"; fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "== dotnet publish (Release): GroupGuard and the bare endpoint"
dotnet publish src/GroupGuard.Host -c Release -o "$work/pub" -v q -nologo >/dev/null
dotnet publish tools/bare-endpoint -c Release -o "$work/bare" -v q -nologo >/dev/null

# load NAME PORT: wrk against the webhook path; leaves "rps2xx p50 p99 accepted" in $work/NAME.
load() {
    local name=$1 port=$2
    wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s tools/cluster-load.lua "http://127.0.0.1:$port/onebot/v11" -- 1 \
        >"$work/$name.wrk" 2>&1 || true
    local line requests non2xx seconds
    line=$(grep '^requests=' "$work/$name.wrk" || true)
    if [ -z "$line" ]; then cat "$work/$name.wrk" >&2; exit 1; fi
    requests=$(wrk_field "$line" requests)
    non2xx=$(wrk_field "$line" non2xx)
    seconds=$(awk '/requests in/ { v = $4; sub(/s,?$/, "", v); print v }' "$work/$name.wrk")
    awk -v r="$requests" -v n="$non2xx" -v s="$seconds" \
        -v p50="$(wrk_field "$line" p50_ms)" -v p99="$(wrk_field "$line" p99_ms)" \
        'BEGIN { printf "%.0f %s %s %d\n", (r - n) / s, p50, p99, r - n }' >"$work/$name.result"
    echo "   $name: $line"
}

echo "== $duration s each, $threads wrk threads, $connections connections, $(nproc) cores, GroupGuard on the $([ "$gc_server" = 1 ] && echo server || echo workstation) GC"
port=$(free_port)
ASPNETCORE_URLS="http://127.0.0.1:$port" DOTNET_gcServer=0 "$work/bare/BareEndpoint" >"$work/bare.log" 2>&1 &
pid=$!
wait_healthy "$port" "$pid" "$work/bare.log"
load bare "$port"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""

port=$(free_port)
mkdir -p "$work/data"
GroupGuard__Storage__ConnectionString="Data Source=$work/data/groupguard.db" \
GroupGuard__Storage__DataFolder="$work/data" \
GroupGuard__Rules__Path="$PWD/rules" \
ASPNETCORE_URLS="http://127.0.0.1:$port" \
DOTNET_gcServer=$gc_server \
    "$work/pub/groupguard" >"$work/groupguard.log" 2>&1 &
pid=$!
wait_healthy "$port" "$pid" "$work/groupguard.log"
load groupguard "$port"

# Until every accepted message is moderated (wrk does not count requests in flight when it stops,
# which the service may still have taken: processed is the truth).
# What moderation kept up with during the load, and its rate alone after it (the backlog drained).
read -r _ _ _ accepted <"$work/groupguard.result"
read -r during _ < <(pipeline "$port")
drain_start=$(date +%s.%N)
processed=0
for _ in $(seq 1 1500); do
    read -r processed queued < <(pipeline "$port")
    if [ "$queued" -eq 0 ] && [ "$processed" -ge "$accepted" ]; then break; fi
    sleep 0.2
done
drain_seconds=$(awk -v a="$drain_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
# The most resident memory GroupGuard held, load and drain included (the kernel's high-water mark).
peak_kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""

# An advert is every tenth request of a wrk connection, so its message id ends in 0 (the ids are
# a connection's base, a multiple of ten, plus its request number). Which requests were refused
# (503 with the queue and its backlog full) is chance, so the adverts among the accepted are
# counted, not assumed a tenth: counted_messages holds the key of every message moderated. Each of
# them must have an incident, and no other message.
read -r adverts flagged strays < <(python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
adverts = db.execute("SELECT COUNT(*) FROM counted_messages WHERE CAST(message_id AS INTEGER) % 10 = 0").fetchone()[0]
flagged = db.execute("SELECT COUNT(DISTINCT message_id) FROM incidents WHERE CAST(message_id AS INTEGER) % 10 = 0").fetchone()[0]
strays = db.execute("SELECT COUNT(DISTINCT message_id) FROM incidents WHERE CAST(message_id AS INTEGER) % 10 <> 0").fetchone()[0]
print(adverts, flagged, strays)' "$work/data/groupguard.db")
read -r bare_rps bare_p50 bare_p99 _ <"$work/bare.result"
read -r gg_rps gg_p50 gg_p99 _ <"$work/groupguard.result"
printf '== bare Kestrel: %d req/s (p50 %s ms, p99 %s ms)\n' "$bare_rps" "$bare_p50" "$bare_p99"
printf '== GroupGuard:   %d req/s answered 2xx (p50 %s ms, p99 %s ms): %.2fx the bare endpoint\n' \
    "$gg_rps" "$gg_p50" "$gg_p99" "$(awk -v a="$gg_rps" -v b="$bare_rps" 'BEGIN { print a / b }')"
printf '== moderation: %d messages during the %d s of load (%d/s), the other %d in %s s after it (%s/s)\n' \
    "$during" "$duration" "$((during / duration))" "$((processed - during))" "$drain_seconds" \
    "$(awk -v n="$((processed - during))" -v s="$drain_seconds" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')"
printf '== %d messages moderated, %d of them adverts; %d adverts with an incident, %d other messages with one\n' "$processed" "$adverts" "$flagged" "$strays"
printf '== GroupGuard peak resident memory: %d MiB\n' "$((${peak_kib:-0} / 1024))"
if [ "$flagged" -ne "$adverts" ] || [ "$strays" -ne 0 ] || [ "$processed" -lt "$accepted" ]; then
    echo "MISMATCH: not every accepted advert became an incident, or another message did" >&2
    exit 1
fi
