# Sourced by .ci/run and tools/cluster-load.sh (bash): starts a throwaway PostgreSQL cluster of
# Debian's (installed when missing) in a temp folder, on 127.0.0.1 and a free port, trust
# authentication, fsync off, and exports GROUPGUARD_TEST_POSTGRES with its connection string.
# It is stopped and removed when the calling script exits (an EXIT trap).

pg_bin_dir() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -n -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
    done
    return 1
}

start_throwaway_postgres() {
    if ! pg_bin_dir >/dev/null; then
        echo "== apt-get install postgresql"
        local sudo_cmd=""
        if [ "$(id -u)" != "0" ]; then sudo_cmd="sudo"; fi
        $sudo_cmd apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
    fi
    pg_bin=$(pg_bin_dir) || { echo "PostgreSQL's initdb and pg_ctl are not under /usr/lib/postgresql/*/bin after installing postgresql" >&2; return 1; }
    pg_dir=$(mktemp -d /tmp/groupguard-pg.XXXXXX)
    if [ "$(id -u)" = "0" ]; then
        # PostgreSQL refuses to run as root: the cluster belongs to the package's postgres user.
        pg_user=postgres
        pg_as=(runuser -u postgres --)
        chown postgres: "$pg_dir"
    else
        pg_user=$(id -un)
        pg_as=()
    fi
    trap stop_throwaway_postgres EXIT
    echo "== PostgreSQL $(basename "$(dirname "$pg_bin")") in $pg_dir"
    "${pg_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U "$pg_user" -A trust -E UTF8 --no-locale --no-sync >"$pg_dir/initdb.log" 2>&1 \
        || { cat "$pg_dir/initdb.log" >&2; return 1; }
    local started="" port
    for _ in 1 2 3 4 5; do
        # A port nobody listens on now; another process may take it first, so try again then.
        port=$((20000 + RANDOM % 40000))
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
        if "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/postgres.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null; then
            started=1
            break
        fi
    done
    if [ -z "$started" ]; then cat "$pg_dir/postgres.log" >&2 || true; echo "PostgreSQL did not start" >&2; return 1; fi
    export GROUPGUARD_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=$pg_user;Database=postgres"
    echo "== GROUPGUARD_TEST_POSTGRES=$GROUPGUARD_TEST_POSTGRES"
}

stop_throwaway_postgres() {
    "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
}
