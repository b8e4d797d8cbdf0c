#!/usr/bin/env bash
# Prism (Stoplight's OpenAPI mock server) for the conformance tests.
#
#   scripts/prism.sh install           npm ci into tools/prism/ (the version pinned in its
#                                      package-lock.json), unless that is already installed
#   scripts/prism.sh start SPEC PORT   install if needed, start `prism mock --dynamic` for SPEC on
#                                      127.0.0.1:PORT in the background, wait until it listens and
#                                      print its URL; already running there for SPEC: print the URL
#   scripts/prism.sh stop PORT         stop the Prism started on PORT (nothing to do if none runs)
#
# `prism mock --dynamic` answers every operation of the spec with a random,
# schema-valid response, and a request that breaks the spec with a 4xx (422)
# whose `sl-violations` header says what is wrong.
#
# Each Prism runs in a session of its own; its pid and log are kept in
# target/prism/PORT.{pid,log}, and `stop` ends that process group only.
# Needs node (>= 18.20.1) and npm; exits with status 3 when either is missing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tool=$root/tools/prism
bin=$tool/node_modules/.bin/prism
run=$root/target/prism

die() {
  echo "prism.sh: $*" >&2
  exit 1
}

need_node() {
  local missing=()
  command -v node >/dev/null 2>&1 || missing+=(node)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "prism.sh: ${missing[*]} not found on PATH; Prism needs Node.js (>= 18.20.1) and npm" >&2
    exit 3
  fi
  node -e 'const [a, b, c] = process.versions.node.split(".").map(Number);
           process.exit(a > 18 || (a === 18 && (b > 20 || (b === 20 && c >= 1))) ? 0 : 1)' ||
    die "Prism needs Node.js >= 18.20.1, found $(node --version)"
}

# Installed when node_modules holds exactly the committed lock file's packages
# (npm ci leaves a copy of the lock we stamp below).
installed() {
  [ -x "$bin" ] && cmp -s "$tool/package-lock.json" "$tool/node_modules/.vercel-api-installed-lock"
}

install() {
  need_node
  mkdir -p "$run"
  installed && return 0
  # One install at a time (tests and check-spec may start Prism together); the
  # lock is held by this subshell only, never by a Prism started afterwards.
  (
    if command -v flock >/dev/null 2>&1; then
      flock 9
    fi
    installed && exit 0
    echo "prism.sh: installing Prism into $tool (npm ci)" >&2
    (cd "$tool" && npm ci --no-audit --no-fund --loglevel=error >&2) || die "npm ci failed in $tool"
    cp "$tool/package-lock.json" "$tool/node_modules/.vercel-api-installed-lock"
    [ -x "$bin" ] || die "npm ci did not install $bin"
  ) 9>"$run/install.lock"
}

check_port() {
  [[ "${1:-}" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ] || die "not a port: '${1:-}'"
}

alive() {
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

start() {
  [ $# -eq 2 ] || die "usage: $0 start SPEC PORT"
  local spec=$1 port=$2
  check_port "$port"
  [ -f "$spec" ] || die "no such spec: $spec"
  spec=$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")
  local pidfile=$run/$port.pid log=$run/$port.log url=http://127.0.0.1:$port
  if alive "$pidfile"; then
    if [ "$(cat "$run/$port.spec" 2>/dev/null)" = "$spec" ]; then
      echo "$url"
      return 0
    fi
    stop "$port"
  fi
  install
  rm -f "$pidfile"
  echo "$spec" >"$run/$port.spec"
  # A session of its own, so `stop` can end Prism and anything it started.
  local session=()
  command -v setsid >/dev/null 2>&1 && session=(setsid)
  "${session[@]}" "$bin" mock --dynamic -h 127.0.0.1 -p "$port" "$spec" >"$log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$pidfile"
  local waited=0
  until grep -q "Prism is listening" "$log" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pidfile" "$run/$port.spec"
      echo "prism.sh: Prism exited before listening on $url; its log ($log) ends with:" >&2
      tail -n 30 "$log" >&2
      exit 1
    fi
    if [ "$waited" -ge 1200 ]; then # 120 s
      echo "prism.sh: Prism did not listen on $url within 120 s; its log ($log) ends with:" >&2
      tail -n 30 "$log" >&2
      stop "$port"
      exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  echo "$url"
}

stop() {
  [ $# -eq 1 ] || die "usage: $0 stop PORT"
  local port=$1
  check_port "$port"
  local pidfile=$run/$port.pid
  if alive "$pidfile"; then
    local pid
    pid=$(cat "$pidfile")
    # Prism leads its own process group (setsid); end that group only.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile" "$run/$port.spec"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  install) install ;;
  start) start "$@" ;;
  stop) stop "$@" ;;
  *)
    echo "usage: $0 install | start SPEC PORT | stop PORT" >&2
    exit 2
    ;;
esac
