#!/usr/bin/env bash
# Soak: a published Release build on its defaults (SQLite) with the shipped rules, fed a steady
# stream of OneBot v11 group messages (every one distinct, one in ten an advert the packs act on)
# for MINUTES at RATE messages per second, while the platform's API fails every other call and the
# rules are reloaded once a minute. Reports what was accepted, moderated and stored, the API's
# calls, and the service's resident memory each minute: nothing may be lost, and memory after the
# first minute should stay flat (grow under 10%).
#
#   tools/soak.sh [--minutes 10] [--rate 1000]
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=10
rate=1000
source tools/load-common.sh
usage="usage: tools/soak.sh [--minutes N] [--rate MESSAGES_PER_SECOND]"
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) echo "$usage"; exit 0 ;;
        --minutes) need_count "$usage" "$1" "${2-}"; minutes=$2; shift 2 ;;
        --rate) need_count "$usage" "$1" "${2-}"; rate=$2; shift 2 ;;
        *) echo "tools/soak.sh: unknown option '$1'" >&2; echo "$usage" >&2; exit 2 ;;
    esac
done

need_tools wrk:wrk curl:curl python3:python3
work=$(mktemp -d /tmp/groupguard-soak.XXXXXX)
pids=()
cleanup() {
    trap '' INT TERM # a second Ctrl+C while stopping would leave them running and the folder behind
    stop_pids "${pids[@]}"
    rm -rf "$work"
}
trap cleanup EXIT

echo "== dotnet publish (Release)"
dotnet publish src/GroupGuard.Host -c Release -o "$work/pub" -v q -nologo >/dev/null
cp -r rules "$work/rules"

api_port=$(free_port)
python3 tools/soak-fake-api.py "$api_port" "$work/api.json" &
api_pid=$!
pids+=("$api_pid")

port=$(free_port)
GroupGuard__Storage__ConnectionString="Data Source=$work/groupguard.db" \
GroupGuard__Storage__DataFolder="$work/data" \
GroupGuard__Rules__Path="$work/rules" \
GroupGuard__OneBot__ApiBaseUrl="http://127.0.0.1:$api_port" \
ASPNETCORE_URLS="http://127.0.0.1:$port" \
    "$work/pub/groupguard" >"$work/service.log" 2>&1 &
service_pid=$!
pids+=("$service_pid")
wait_healthy "$port" "$service_pid" "$work/service.log"

# Paced: each connection waits 20 ms before its next request, and an answer takes about 2 ms, so
# rate x 22 / 1000 connections send about rate messages a second.
pause=20
connections=$(( (rate * 22 + 999) / 1000 ))
echo "== $minutes min at up to $rate msg/s ($connections connections, ${pause} ms apart), API failing every other call, a reload a minute"
wrk -t2 -c"$connections" -d"$((minutes * 60))s" --latency -s tools/cluster-load.lua "http://127.0.0.1:$port/onebot/v11" -- 1 "$pause" \
    >"$work/wrk.txt" 2>&1 &
load_pid=$!
pids+=("$load_pid")

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$service_pid/status"; }
rss_samples=()
for minute in $(seq 1 "$minutes"); do
    sleep 60
    echo "# reload $minute" >>"$work/rules/promo.yaml"
    rss_samples+=("$(rss)")
    read -r done_now queued_now < <(pipeline "$port")
    echo "   minute $minute: resident $(( ${rss_samples[-1]} / 1024 )) MiB, moderated $done_now, queued $queued_now"
done
wait "$load_pid" || true

line=$(grep '^requests=' "$work/wrk.txt") || { cat "$work/wrk.txt" >&2; exit 1; }
requests=$(wrk_field "$line" requests)
non2xx=$(wrk_field "$line" non2xx)
accepted=$((requests - non2xx))

# Until everything accepted is moderated; then the counters' last write.
for _ in $(seq 1 600); do
    read -r processed queued < <(pipeline "$port")
    if [ "$queued" -eq 0 ] && [ "$processed" -ge "$accepted" ]; then break; fi
    sleep 0.5
done
sleep 2
# RuleReloader's line: "Rules changed on disk: reloaded (...)", or "...: NOT reloaded; ..." when refused.
reloads=$(grep -c "Rules changed on disk: reloaded" "$work/service.log" || true)
refused=$(grep -c "Rules changed on disk: NOT reloaded" "$work/service.log" || true)
kill "$service_pid"; wait "$service_pid" 2>/dev/null || true
kill "$api_pid"; wait "$api_pid" 2>/dev/null || true
read -r incidents counted < <(python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT COUNT(*) FROM incidents").fetchone()[0], db.execute("SELECT COALESCE(SUM(count), 0) FROM message_counts").fetchone()[0])' "$work/groupguard.db")
api=$(cat "$work/api.json" 2>/dev/null || echo '{}')

first=${rss_samples[0]}
last=${rss_samples[-1]}
growth=$(awk -v a="$first" -v b="$last" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')
echo "== soak: $minutes min, wrk $line"
echo "   accepted $accepted (answered 503: $non2xx), moderated $processed, counted $counted, incidents $incidents"
echo "   platform API: $api; rule reloads logged: $reloads (refused: $refused)"
echo "   resident memory: after minute 1 $((first / 1024)) MiB, at the end $((last / 1024)) MiB ($growth%)"
status=0
if [ "$processed" -lt "$accepted" ] || [ "$counted" -ne "$processed" ]; then echo "   LOST: moderated or counted fewer than accepted" >&2; status=1; fi
if [ "$refused" -ne 0 ]; then echo "   a rule reload was refused:" >&2; grep "Rules changed on disk: NOT reloaded" "$work/service.log" >&2; status=1; fi
if awk -v g="$growth" 'BEGIN { exit !(g >= 10) }'; then echo "   memory grew 10% or more after the first minute" >&2; status=1; fi
exit $status
