#!/bin/sh
# Starts and stops a private redis-server for tessera's Redis tests: bound to 127.0.0.1 only, on
# a free port, with its own temporary data folder and no persistence (no RDB, no AOF), running
# in the background. The state file records what the tests and `stop` need:
#   port=<port>  pid=<pid>  dir=<data folder>      or      unavailable=<reason>
#
#   redis_fixture.sh start <state file> [port]   start one (on `port`, to restart on the same port)
#   redis_fixture.sh stop <state file>           stop it (SIGCONT, SIGTERM, then SIGKILL) and clean up
#
# Without redis-server on PATH, `start` writes unavailable=... and succeeds, so the tests can
# report that they skipped.
set -u

usage() {
  echo "usage: $0 start|stop <state file> [port]" >&2
  exit 2
}
[ $# -ge 2 ] || usage
action=$1
state=$2
want_port=${3:-}

state_value() {  # state_value <name>: the value recorded in the state file, or nothing
  sed -n "s/^$1=//p" "$state" 2>/dev/null | head -n 1
}

alive() {  # alive <pid>: the process exists and is not a zombie
  kill -0 "$1" 2>/dev/null || return 1
  st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
  [ "$st" != "Z" ]
}

answers() {  # answers <port> <pid>: the redis-server on that port is process <pid> (not another one)
  if command -v redis-cli >/dev/null 2>&1; then
    redis-cli -h 127.0.0.1 -p "$1" info server 2>/dev/null | tr -d '\r' | grep -qx "process_id:$2"
  else
    grep -q "Ready to accept connections" "$dir/redis.log" 2>/dev/null
  fi
}

random_port() {  # a port in [10000, 32000): below Linux's ephemeral range, so no outgoing
  # connection holds it and no client can connect to itself
  n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
  echo $((10000 + n % 22000))
}

case $action in
start)
  server=$(command -v redis-server 2>/dev/null || true)
  if [ -z "$server" ]; then
    echo "unavailable=redis-server is not installed" >"$state"
    echo "redis_fixture: SKIPPED: redis-server is not installed; the Redis tests will skip"
    exit 0
  fi
  dir=$(mktemp -d "${TMPDIR:-/tmp}/tessera-redis.XXXXXX") || exit 1
  attempt=0
  while [ $attempt -lt 20 ]; do
    attempt=$((attempt + 1))
    if [ -n "$want_port" ]; then port=$want_port; else port=$(random_port); fi
    # Redirected, so that ctest does not wait for the server's output to end.
    "$server" --bind 127.0.0.1 --port "$port" --dir "$dir" --save '' --appendonly no \
      --daemonize no --protected-mode yes --enable-debug-command local \
      --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1 &
    pid=$!
    tries=0
    while [ $tries -lt 100 ]; do  # up to 5 s
      if ! alive "$pid"; then break; fi
      if answers "$port" "$pid"; then
        printf 'port=%s\npid=%s\ndir=%s\n' "$port" "$pid" "$dir" >"$state"
        echo "redis_fixture: redis-server pid $pid on 127.0.0.1:$port, data in $dir"
        exit 0
      fi
      sleep 0.05
      tries=$((tries + 1))
    done
    kill -9 "$pid" 2>/dev/null
    # The port was taken (or the server would not start): try another one, or the same one again
    # a little later when it was asked for.
    [ -n "$want_port" ] && sleep 0.1
  done
  echo "redis_fixture: could not start redis-server; its log:" >&2
  cat "$dir/redis.log" >&2 2>/dev/null
  rm -rf "$dir"
  exit 1
  ;;
stop)
  [ -f "$state" ] || exit 0
  pid=$(state_value pid)
  dir=$(state_value dir)
  if [ -n "$pid" ]; then
    kill -CONT "$pid" 2>/dev/null
    kill -TERM "$pid" 2>/dev/null
    tries=0
    while alive "$pid" && [ $tries -lt 100 ]; do
      sleep 0.05
      tries=$((tries + 1))
    done
    alive "$pid" && kill -9 "$pid" 2>/dev/null
  fi
  case $dir in
  */tessera-redis.*) rm -rf "$dir" ;;
  esac
  rm -f "$state"
  exit 0
  ;;
*)
  usage
  ;;
esac
