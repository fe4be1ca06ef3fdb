#!/usr/bin/env bash
# learn's speed, side by side in one run (hyperfine from Debian's packages; Hurl when
# present): `learn check` on hello-http against a plain Python http.server, next to the
# same requests driven by Hurl; `learn watch` from save to verdict on the crud-app
# solutions; `learn grade` throughput with 1 and 2 jobs. Run from anywhere:
#   cargo build --release && bench/run.sh
# Functions are measured with criterion: `cargo bench` (bench/class_report.rs: the
# class report of 100 graded submissions).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
learn=$(realpath "${LEARN:-target/release/learn}")
work=$(mktemp -d)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export LEARN_DATA_DIR="$work/data" NO_COLOR=1

echo "## learn check, and the same requests with Hurl"
cp -r bench/hello-stdlib "$work/hello"
"$learn" check --path "$work/hello" --seed 7 --format json > "$work/report.json" || true
python3 bench/to_hurl.py "$work/report.json" > "$work/requests.hurl"
echo "$(grep -c '^HTTP ' "$work/requests.hurl") requests per run"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cp -r bench/hello-stdlib "$work/running"
(cd "$work/running" && PORT=$port exec python3 server.py) & server=$!
sleep 0.5
rows=(
  -n "learn check (starts the server)" "$learn check --path $work/hello --seed 7 --format json"
  -n "the same requests from python3 http.client (server already running)" "python3 bench/replay.py $work/report.json $port"
)
if command -v hurl >/dev/null; then
  rows+=(-n "hurl (server already running)" "hurl --test --variable port=$port $work/requests.hurl")
else
  echo "(hurl is not installed: its row is left out)"
fi
hyperfine -N -i --warmup 2 --runs "${RUNS:-20}" "${rows[@]}"

echo "## learn watch: save to verdict (crud-app solutions)"
for track in python node; do
  rm -rf "$work/watch-$track"
  cp -r "scaffolds/crud-app/$track" "$work/watch-$track"
  cp -r "tests/solutions/crud-app/$track/." "$work/watch-$track/"
  rm -rf "$work/watch-$track/.learn" "$work/watch-$track/.venv" "$work/watch-$track/node_modules"
  file=app.py; [ "$track" = node ] && file=server.js
  echo -n "$track: "
  python3 bench/watch_latency.py "$learn" "$work/watch-$track" "$file" "${WATCH_RUNS:-10}"
done

echo "## learn grade throughput: 8 submissions (hello-http, http.server)"
mkdir -p "$work/batch"
for n in 1 2 3 4 5 6 7 8; do cp -r bench/hello-stdlib "$work/batch/s$n"; done
hyperfine -i --runs "${GRADE_RUNS:-3}" \
  -n "grade, 1 job" "$learn grade --exercise hello-http --each $work/batch --jobs 1 --report-dir $work/r1 --format json" \
  -n "grade, 2 jobs" "$learn grade --exercise hello-http --each $work/batch --jobs 2 --report-dir $work/r2 --format json"
