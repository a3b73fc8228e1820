# shellcheck shell=bash
# Sourced by tools/cluster-load.sh, tools/load.sh and tools/soak.sh (bash): small helpers for driving a running
# GroupGuard from outside.

# Makes sure the commands this script runs are here, each given as COMMAND:DEBIAN_PACKAGE
# (need_tools wrk:wrk psql:postgresql-client): installs the packages of those missing with apt-get
# (through sudo unless root), and stops the script naming what is still missing after that.
need_tools() {
    local me pair missing=() packages=() still=() sudo_cmd=()
    me="tools/$(basename "$0")"
    for pair in "$@"; do
        if ! command -v "${pair%%:*}" >/dev/null 2>&1; then missing+=("$pair"); packages+=("${pair#*:}"); fi
    done
    if [ ${#missing[@]} -eq 0 ]; then return 0; fi
    if command -v apt-get >/dev/null 2>&1; then
        if [ "$(id -u)" != "0" ]; then sudo_cmd=(sudo); fi
        echo "== $me needs ${missing[*]%%:*}, missing here: installing ${packages[*]} with ${sudo_cmd[*]}${sudo_cmd[*]:+ }apt-get"
        "${sudo_cmd[@]}" apt-get update -qq || true
        "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null || true
    fi
    for pair in "${missing[@]}"; do
        if ! command -v "${pair%%:*}" >/dev/null 2>&1; then still+=("${pair%%:*} (Debian package ${pair#*:})"); fi
    done
    if [ ${#still[@]} -gt 0 ]; then
        local list
        list=$(printf '%s, ' "${still[@]}")
        echo "$me needs ${list%, }; install $([ ${#still[@]} -eq 1 ] && echo it || echo them) and run again" >&2
        exit 1
    fi
}

# Exits 2 with the usage $1 unless option $2 was given a whole number above zero, $3:
# need_count "$usage" "$1" "${2-}"
need_count() {
    if [[ ! "$3" =~ ^[1-9][0-9]*$ ]]; then
        if [ -z "$3" ]; then echo "tools/$(basename "$0"): $2 needs a value" >&2
        else echo "tools/$(basename "$0"): $2 takes a whole number above zero, not '$3'" >&2; fi
        echo "$1" >&2
        exit 2
    fi
}

# A TCP port on 127.0.0.1 that nothing listens on now.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The instance's /healthz body (empty when it does not answer).
health() { curl -s "http://127.0.0.1:$1/healthz" || true; }

# "processed queued" of an instance's pipeline (-1 -1 when it does not answer).
pipeline() { health "$1" | python3 -c 'import json, sys
try: p = json.load(sys.stdin)["pipeline"]; print(p["processed"], p["queued"])
except Exception: print(-1, -1)'; }

# Until the instance on port $1, process $2, answers /healthz with 200 (a minute at most). When it
# exits first, or is not healthy by then, says so with the last 30 lines of its log $3 (the EXIT
# trap removes the log, and with it why) and fails.
wait_healthy() {
    local port=$1 pid=$2 log=$3 status
    for _ in $(seq 1 120); do
        if [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")" = "200" ]; then return 0; fi
        if ! kill -0 "$pid" 2>/dev/null; then
            status=0
            wait "$pid" 2>/dev/null || status=$?
            echo "The service for port $port exited (status $status) before it answered /healthz; the end of its log:" >&2
            tail -n 30 "$log" >&2 || true
            return 1
        fi
        sleep 0.5
    done
    echo "The service on port $port did not become healthy in a minute; the end of its log:" >&2
    tail -n 30 "$log" >&2 || true
    return 1
}

# Stops the background processes $@ this script started and reaps them: SIGTERM, then SIGKILL to any
# still running 10 s later (a service draining its queue), so that an EXIT trap never waits long.
# (A script's background commands ignore Ctrl+C: only this stops them.)
stop_pids() {
    local pid left=()
    [ $# -gt 0 ] || return 0
    kill "$@" 2>/dev/null || true
    for _ in $(seq 1 100); do
        left=()
        for pid in "$@"; do if kill -0 "$pid" 2>/dev/null; then left+=("$pid"); fi; done
        if [ ${#left[@]} -eq 0 ]; then break; fi
        sleep 0.1
    done
    if [ ${#left[@]} -gt 0 ]; then kill -KILL "${left[@]}" 2>/dev/null || true; fi
    wait "$@" 2>/dev/null || true
}

# A field of the summary line tools/cluster-load.lua prints (requests=N non2xx=N ... p99_ms=X):
# wrk_field "$line" p99_ms
wrk_field() { sed -E "s/.*(^| )$2=([0-9.]+).*/\2/" <<<"$1"; }
