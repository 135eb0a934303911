#!/usr/bin/env bash
# cartd HTTP benchmark: builds the release binary, starts a throw-away demo server and runs four
# wrk scenarios against it, then checks that every acknowledged hot-cart write is in the cart.
# See bench/README.md. Writes bench/results.md.
#
# Environment:
#   DURATION=10         seconds per wrk scenario
#   CONNECTIONS=64      wrk connections
#   LOGIN_CONNECTIONS=2 wrk connections for the login scenario (argon2id, CPU-bound)
#   THREADS=2           wrk threads
#   BENCH_ADDR=127.0.0.1:18080   where the server listens
#   CARGO_TARGET_DIR    honoured (default: <repo>/target)
#   SKIP_BUILD=1        use the existing release binary
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
cd "$ROOT"

DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
ADDR="${BENCH_ADDR:-127.0.0.1:18080}"
BASE="http://$ADDR/wp-json/cocart/v2"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"; fi
}

# ---------------------------------------------------------------- tools
APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" -eq 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
command -v wrk >/dev/null 2>&1 || { log "installing wrk from Debian"; apt_install wrk; }
command -v curl >/dev/null 2>&1 || { log "installing curl from Debian"; apt_install curl; }
command -v wrk >/dev/null 2>&1 || die "wrk is not available"

# ---------------------------------------------------------------- build
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
BIN="$TARGET_DIR/release/cartd"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "cargo build --release -p cartd"
  cargo build --release -p cartd
fi
[ -x "$BIN" ] || die "no binary at $BIN"

# ---------------------------------------------------------------- server
WORKDIR="$(mktemp -d "${TMPDIR:-/tmp}/cartd-bench.XXXXXX")"
SERVER_PID=""
SERVER_LOG="$WORKDIR/server.log"

cleanup() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] && [ -s "$SERVER_LOG" ]; then
    echo "---- last lines of the server log ($SERVER_LOG) ----" >&2
    tail -n 30 "$SERVER_LOG" >&2 || true
  fi
  if [ "${KEEP_WORKDIR:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
    echo "bench: server working directory kept at $WORKDIR" >&2
  else
    rm -rf "$WORKDIR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if curl -s -o /dev/null --max-time 1 "$BASE/store"; then
  die "something already answers on $ADDR; stop it first (or set BENCH_ADDR)"
fi

log "starting cartd serve --demo --listen $ADDR in $WORKDIR"
# The demo resets its database; never let an inherited URL or config file point it elsewhere.
(cd "$WORKDIR" && exec env -u CARTD_DATABASE_URL -u CARTD_CONFIG CARTD_LOG=warn \
  "$BIN" serve --demo --listen "$ADDR") >"$SERVER_LOG" 2>&1 </dev/null &
SERVER_PID=$!

ready=0
for _ in $(seq 1 300); do
  if curl -sf -o /dev/null --max-time 1 "$BASE/store"; then ready=1; break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || die "server exited during start-up"
  sleep 0.1
done
[ "$ready" = 1 ] || die "server did not answer GET /store within 30 s"

server_alive() { kill -0 "$SERVER_PID" 2>/dev/null || die "server (pid $SERVER_PID) died"; }

# ---------------------------------------------------------------- prepare the cart
# add_item PRODUCT [CART_KEY] -> prints the cart key from the CoCart-API-Cart-Key header
add_item() {
  local product="$1" key="${2:-}" url="$BASE/cart/add-item" headers body status
  [ -n "$key" ] && url="$url?cart_key=$key"
  headers="$WORKDIR/headers.txt"
  body="$WORKDIR/body.json"
  status=$(curl -s -o "$body" -D "$headers" -w '%{http_code}' -X POST "$url" \
    -H 'Content-Type: application/json' -d "{\"id\":\"$product\",\"quantity\":\"1\"}")
  if [ "${status:0:1}" != 2 ]; then
    echo "add-item $product answered HTTP $status: $(head -c 500 "$body")" >&2
    return 1
  fi
  tr -d '\r' <"$headers" | awk -F': *' 'tolower($1) == "cocart-api-cart-key" { print $2; exit }'
}

item_count() {
  curl -sf "$BASE/cart/items/count?cart_key=$1" | tr -d '"[:space:]'
}

log "preparing a cart with Beanie (48), Cap (60), Sunglasses (62)"
KEY=$(add_item 48) || die "could not create the cart"
[ -n "$KEY" ] || die "add-item answered without a CoCart-API-Cart-Key header"
add_item 60 "$KEY" >/dev/null || die "could not add the Cap"
add_item 62 "$KEY" >/dev/null || die "could not add the Sunglasses"
lines=$(curl -sf "$BASE/cart?cart_key=$KEY" | grep -o '"item_key"' | wc -l || true)
log "cart $KEY ready ($lines lines, item count $(item_count "$KEY"))"

# ---------------------------------------------------------------- scenarios
RESULTS="$WORKDIR/results.txt"
: >"$RESULTS"

CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
server_cpu_ticks() { # utime + stime of the server (fields 14 and 15 of /proc/PID/stat)
  sed 's/^.*) //' "/proc/$SERVER_PID/stat" | awk '{ print $12 + $13 }'
}
CPU_NOTES=""

run_wrk() { # name script url [connections]
  local name="$1" script="$2" url="$3" conns="${4:-$CONNECTIONS}" out="$WORKDIR/wrk-$1.txt" t0 c0 t1 c1
  server_alive
  log "scenario $name: wrk -t$THREADS -c$conns -d${DURATION}s $url"
  c0=$(server_cpu_ticks); t0=$(date +%s.%N)
  BENCH_SCENARIO="$name" wrk -t"$THREADS" -c"$conns" -d"${DURATION}s" --timeout 5s \
    -s "$BENCH/$script" "$url" | tee "$out"
  c1=$(server_cpu_ticks); t1=$(date +%s.%N)
  grep '^BENCH' "$out" >>"$RESULTS" || die "wrk printed no BENCH line for $name"
  server_alive
  CPU_NOTES="$CPU_NOTES $name $(awk -v c="$((c1 - c0))" -v hz="$CLK_TCK" -v t0="$t0" -v t1="$t1" \
    'BEGIN { printf "%.2f", c / hz / (t1 - t0) }');"
}

field() { # scenario key -> value from the BENCH line
  awk -v s="scenario=$1" -v k="$2" '$1 == "BENCH" && $2 == s {
    for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) { print kv[2]; exit } } }' "$RESULTS"
}

run_wrk get_store get.lua "$BASE/store"
run_wrk get_cart get.lua "$BASE/cart?cart_key=$KEY"
run_wrk add_item_fresh add_item.lua "$BASE/cart/add-item"

HOT="$KEY"
HOT_BEFORE=$(item_count "$HOT") || die "could not read the hot cart's item count"
run_wrk add_item_hot add_item_hot.lua "$BASE/cart/add-item?cart_key=$HOT"
sleep 0.5 # let requests abandoned by wrk at its deadline finish on the server
HOT_AFTER=$(item_count "$HOT") || die "could not read the hot cart's item count after the run"

# A customer for the login scenario, created with the CLI next to the running server.
printf 'bench-password\n' | env -u CARTD_CONFIG "$BIN" --database-url "sqlite://$WORKDIR/data/demo.db" \
  user add --login bench --email bench@example.com --role customer >/dev/null || die "could not create the bench user"
LOGIN_CONNECTIONS="${LOGIN_CONNECTIONS:-2}"
login_status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -u bench:bench-password "$BASE/login")
[ "$login_status" = 200 ] || die "POST login as the bench user answered HTTP $login_status"
BENCH_AUTH="Basic $(printf 'bench:bench-password' | base64)" \
  run_wrk login login.lua "$BASE/login" "$LOGIN_CONNECTIONS"

# ---------------------------------------------------------------- hot-cart check
HOT_OK=$(field add_item_hot ok2xx)
HOT_SENT=$(field add_item_hot sent)
HOT_ADDED=$(awk -v a="$HOT_AFTER" -v b="$HOT_BEFORE" 'BEGIN { printf "%d", a - b }')
HOT_UNANSWERED=$((HOT_SENT - HOT_OK - $(field add_item_hot non2xx)))
if [ "$HOT_ADDED" -eq "$HOT_OK" ]; then
  HOT_VERDICT="OK: cart quantity grew by exactly the number of 2xx answers"
elif [ "$HOT_ADDED" -gt "$HOT_OK" ] && [ "$HOT_ADDED" -le $((HOT_OK + HOT_UNANSWERED)) ]; then
  HOT_VERDICT="OK: every 2xx write is in the cart; $((HOT_ADDED - HOT_OK)) more came from requests still in flight when wrk stopped (unanswered: $HOT_UNANSWERED)"
elif [ "$HOT_ADDED" -lt "$HOT_OK" ]; then
  HOT_VERDICT="FAIL: LOST WRITES — $((HOT_OK - HOT_ADDED)) acknowledged add-items are missing from the cart"
else
  HOT_VERDICT="FAIL: cart grew by $HOT_ADDED, more than the $HOT_SENT requests sent"
fi
echo
echo "hot cart $HOT: item count before $HOT_BEFORE, after $HOT_AFTER (+$HOT_ADDED); wrk 2xx answers $HOT_OK, requests sent $HOT_SENT"
echo "hot cart check: $HOT_VERDICT"

# ---------------------------------------------------------------- memory
server_alive
RSS_HWM=$(awk '/^VmHWM/ { print $2 " " $3 }' "/proc/$SERVER_PID/status")
RSS_NOW=$(awk '/^VmRSS/ { print $2 " " $3 }' "/proc/$SERVER_PID/status")
DB_SIZE=$(du -sh "$WORKDIR/data" 2>/dev/null | cut -f1 || echo "?")

# ---------------------------------------------------------------- report
CPU_MODEL=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
VERSION=$("$BIN" --version 2>/dev/null || echo cartd)
[ -n "$VERSION" ] || VERSION=cartd
WRK_VERSION=$( (wrk -v 2>&1 || true) | awk 'NR == 1 { print $1 " " $2 }')
label() {
  case "$1" in
    get_store) echo "(a) GET /store" ;;
    get_cart) echo "(b) GET /cart (3 lines)" ;;
    add_item_fresh) echo "(c) POST add-item, fresh cart each" ;;
    add_item_hot) echo "(d) POST add-item, one hot cart" ;;
    login) echo "(f) POST login, Basic (argon2id), -c$LOGIN_CONNECTIONS" ;;
    *) echo "$1" ;;
  esac
}
{
  echo "## Results $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "$VERSION on $(nproc) cores ($CPU_MODEL), server and wrk sharing them; $WRK_VERSION -t$THREADS -c$CONNECTIONS -d${DURATION}s."
  echo
  echo "| scenario | req/s | p50 | p99 | non-2xx |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  for s in get_store get_cart add_item_fresh add_item_hot login; do
    printf '| %s | %s | %s ms | %s ms | %s |\n' "$(label "$s")" \
      "$(awk -v x="$(field "$s" rps)" 'BEGIN { printf "%.0f", x }')" \
      "$(field "$s" p50_ms)" "$(field "$s" p99_ms)" "$(field "$s" non2xx)"
  done
  echo
  echo "Socket errors / timeouts: $(for s in get_store get_cart add_item_fresh add_item_hot login; do printf '%s %s/%s  ' "$s" "$(field "$s" socket_errors)" "$(field "$s" timeouts)"; done)"
  echo
  echo "Hot cart: item count $HOT_BEFORE before (d), $HOT_AFTER after (+$HOT_ADDED); wrk 2xx answers $HOT_OK, requests sent $HOT_SENT. $HOT_VERDICT."
  echo
  echo "Server CPU use during each run (cores busy, out of $(nproc)):$CPU_NOTES"
  echo
  echo "Server memory at the end: peak RSS (VmHWM) $RSS_HWM, current RSS $RSS_NOW; SQLite data directory $DB_SIZE."
  if grep -q '^BENCH_SAMPLE' "$RESULTS"; then
    echo
    echo "Non-2xx samples:"
    echo
    grep '^BENCH_SAMPLE' "$RESULTS" | sed 's/^/    /'
  fi
  echo
  echo "Raw wrk lines:"
  echo
  grep '^BENCH ' "$RESULTS" | sed 's/^/    /'
} >"$WORKDIR/results.md"

echo
cat "$WORKDIR/results.md"
{
  echo "# cartd benchmark: last run"
  echo
  echo "Written by \`bench/run.sh\`; see README.md for the scenarios and the targets."
  echo
  cat "$WORKDIR/results.md"
} >"$BENCH/results.md"
log "wrote $BENCH/results.md"

case "$HOT_VERDICT" in FAIL*) exit 2 ;; esac
exit 0
