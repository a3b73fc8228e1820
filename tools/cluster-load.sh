#!/usr/bin/env bash
# How many messages per second one instance, and two instances on one PostgreSQL database,
# take in and moderate (README "More than one machine"). Publishes a Release build, starts a
# throwaway PostgreSQL (or uses GROUPGUARD_TEST_POSTGRES), and for one and for two instances:
# a fresh database, the instances on 127.0.0.1 with the shipped rules, wrk against each one's
# OneBot v11 webhook for the duration (the connections split between them), then waits until every
# accepted message is moderated. Reports webhook requests/s, latency, moderated messages/s (accepted
# over the time from the first request to the last message moderated), incidents stored, and
# whether the message counters add up to what was accepted (each message counted once).
#
#   tools/cluster-load.sh [--duration SECONDS] [--connections N]
set -euo pipefail
cd "$(dirname "$0")/.."

duration=20
connections=32
source tools/load-common.sh
usage="usage: tools/cluster-load.sh [--duration SECONDS] [--connections N]"
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) echo "$usage"; exit 0 ;;
        --duration) need_count "$usage" "$1" "${2-}"; duration=$2; shift 2 ;;
        --connections) need_count "$usage" "$1" "${2-}"; connections=$2; shift 2 ;;
        *) echo "tools/cluster-load.sh: unknown option '$1'" >&2; echo "$usage" >&2; exit 2 ;;
    esac
done

need_tools wrk:wrk psql:postgresql-client curl:curl python3:python3

work=$(mktemp -d /tmp/groupguard-load.XXXXXX)
pids=()
cleanup() {
    trap '' INT TERM # a second Ctrl+C while stopping would leave them running and the folder behind
    stop_pids "${pids[@]}"
    rm -rf "$work"
    if [ -n "${pg_dir:-}" ]; then stop_throwaway_postgres; fi
}
source tools/throwaway-postgres.sh
trap cleanup EXIT
if [ -z "${GROUPGUARD_TEST_POSTGRES:-}" ]; then
    start_throwaway_postgres
    trap cleanup EXIT
fi

# Host, port and user of the server, for psql.
field() { tr ';' '\n' <<<"$GROUPGUARD_TEST_POSTGRES" | awk -F= -v k="$1" 'tolower($1) == tolower(k) { print $2 }'; }
pg_host=$(field Host); pg_port=$(field Port); pg_login=$(field Username)
sql() { psql -X -q -t -A -h "$pg_host" -p "${pg_port:-5432}" -U "$pg_login" -d "$1" -c "$2"; }

echo "== dotnet publish (Release)"
dotnet publish src/GroupGuard.Host -c Release -o "$work/pub" -v q -nologo >/dev/null

# run PROVIDER INSTANCES
run() {
    local provider=$1 count=$2 db="load_${1}_${2}_$$"
    local ports=() k storage=()
    if [ "$provider" = postgres ]; then
        sql postgres "CREATE DATABASE $db" >/dev/null
    fi
    pids=()
    for k in $(seq 1 "$count"); do
        local port
        port=$(free_port)
        ports+=("$port")
        mkdir -p "$work/$db/i$k"
        if [ "$provider" = postgres ]; then
            storage=("GroupGuard__Storage__ConnectionString=$GROUPGUARD_TEST_POSTGRES;Database=$db")
        else
            storage=("GroupGuard__Storage__ConnectionString=Data Source=$work/$db/groupguard.db")
        fi
        env "${storage[@]}" \
        GroupGuard__Storage__Provider="$provider" \
        GroupGuard__Storage__DataFolder="$work/$db/i$k" \
        GroupGuard__InstanceId="load-$k" \
        GroupGuard__Rules__Path="$PWD/rules" \
        ASPNETCORE_URLS="http://127.0.0.1:$port" \
        DOTNET_gcServer=0 \
            "$work/pub/groupguard" >"$work/$db/i$k.log" 2>&1 &
        pids+=($!)
    done
    k=0
    for port in "${ports[@]}"; do
        k=$((k + 1))
        wait_healthy "$port" "${pids[k - 1]}" "$work/$db/i$k.log"
    done

    local start end per=$((connections / count)) threads=$(( count == 1 ? 2 : 1 ))
    start=$(date +%s.%N)
    local loads=()
    k=0
    for port in "${ports[@]}"; do
        k=$((k + 1))
        wrk -t"$threads" -c"$per" -d"${duration}s" --latency -s tools/cluster-load.lua "http://127.0.0.1:$port/onebot/v11" -- "$k" \
            >"$work/$db/wrk$k.txt" 2>&1 &
        loads+=($!)
        pids+=($!)
    done
    wait "${loads[@]}" || true

    local accepted=0 rps=0 p99=0 line
    k=0
    for port in "${ports[@]}"; do
        k=$((k + 1))
        line=$(grep '^requests=' "$work/$db/wrk$k.txt" || true)
        if [ -z "$line" ]; then cat "$work/$db/wrk$k.txt" >&2; exit 1; fi
        local requests non2xx
        requests=$(wrk_field "$line" requests)
        non2xx=$(wrk_field "$line" non2xx)
        accepted=$((accepted + requests - non2xx))
        rps=$(awk -v a="$rps" -v r="$(awk '/^Requests\/sec/ {print $2}' "$work/$db/wrk$k.txt")" 'BEGIN {print a + r}')
        p99=$(awk -v a="$p99" -v b="$(wrk_field "$line" p99_ms)" 'BEGIN {print (b > a) ? b : a}')
        echo "   instance $k: $line"
    done

    # Until every accepted message is moderated: the queues empty. (wrk does not count the requests
    # in flight when it stops, which the service may still have accepted: processed is the truth.)
    local processed=0
    for _ in $(seq 1 1500); do
        local total=0 queued=0 p q
        for port in "${ports[@]}"; do
            read -r p q < <(pipeline "$port")
            total=$((total + p)); queued=$((queued + q))
        done
        processed=$total
        if [ "$queued" -eq 0 ] && [ "$total" -ge "$accepted" ]; then break; fi
        sleep 0.2
    done
    end=$(date +%s.%N)
    sleep 2 # the counters' last write (every second)
    local incidents counted
    if [ "$provider" = postgres ]; then
        incidents=$(sql "$db" "SELECT COUNT(*) FROM incidents")
        counted=$(sql "$db" "SELECT COALESCE(SUM(count), 0) FROM message_counts")
    else
        read -r incidents counted < <(python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT COUNT(*) FROM incidents").fetchone()[0], db.execute("SELECT COALESCE(SUM(count), 0) FROM message_counts").fetchone()[0])' "$work/$db/groupguard.db")
    fi
    stop_pids "${pids[@]}"
    pids=()
    local moderated
    moderated=$(awk -v a="$processed" -v s="$start" -v e="$end" 'BEGIN {printf "%.0f", a / (e - s)}')
    printf '%s, %s instance(s): webhook %.0f req/s (p99 %s ms), %d answered 204; %d moderated, %s msg/s; %d incidents; counters %d (%s)\n' \
        "$provider" "$count" "$rps" "$p99" "$accepted" "$processed" "$moderated" "$incidents" "$counted" \
        "$([ "$counted" -eq "$processed" ] && echo "each message once" || echo "MISMATCH")"
    echo "$provider $count $rps $p99 $processed $moderated $incidents $counted" >>"$work/results"
}

echo "== $duration s per run, $connections connections in all, $(nproc) cores"
run sqlite 1
run postgres 1
run postgres 2
echo "== moderated messages per second, as a ratio to one instance on SQLite (the default)"
awk 'NR == 1 { base = $6 } { printf "%-8s %d instance(s): %6d msg/s  %.2f\n", $1, $2, $6, $6 / base }' "$work/results"
