#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, no Docker:
#   pg-cluster.sh start DIR   → initdb into DIR, start it on a free 127.0.0.1 port with its unix socket in DIR,
#                               and print its URL (postgres://portico@127.0.0.1:PORT/postgres)
#   pg-cluster.sh stop DIR    → stop it (the folder stays; delete it yourself)
# initdb refuses to run as root, so as root the cluster runs as the `postgres` user (or `nobody`), which owns DIR.
set -euo pipefail
action=${1:?usage: pg-cluster.sh start|stop DIR}
dir=${2:?usage: pg-cluster.sh start|stop DIR}

bin=""
for candidate in /usr/lib/postgresql/*/bin; do [[ -x $candidate/initdb ]] && bin=$candidate; done
[[ -z $bin ]] && bin=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
[[ -x $bin/initdb ]] || { echo "pg-cluster.sh: initdb not found; install Debian's postgresql (apt-get install postgresql)" >&2; exit 2; }

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    local user=postgres
    id -u "$user" >/dev/null 2>&1 || user=nobody
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

case $action in
start)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [[ $(id -u) -eq 0 ]]; then
    user=postgres; id -u "$user" >/dev/null 2>&1 || user=nobody
    chown "$user" "$dir"
  fi
  chmod 700 "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U portico -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # fsync stays on: the durability tests mean what they say on PostgreSQL too.
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "$port" >"$dir/port"
  echo "postgres://portico@127.0.0.1:$port/postgres"
  ;;
stop)
  [[ -d $dir/data ]] || { echo "pg-cluster.sh: no cluster in $dir" >&2; exit 2; }
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  ;;
*)
  echo "usage: pg-cluster.sh start|stop DIR" >&2; exit 2 ;;
esac
