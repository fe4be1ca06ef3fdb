#!/usr/bin/env bash
# What grade mode's jail costs, side by side in one hyperfine run, on a submission with
# no build (hello-http in plain node:http): `learn check`; `learn grade` without a jail
# (run as an unprivileged user); with a user of its own only (as root, namespaces
# refused); and in the full jail (as root). Run as root from the repository:
#   cargo build --release && bench/jail.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run as root: the jail needs it" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
cp target/release/learn "$work/learn"
for copy in sub sub-nobody; do
  cp -r tests/alternatives/hello-http/node-http "$work/$copy"
done
mkdir -p "$work/nobody"
chown -R 65534:65534 "$work/sub-nobody" "$work/nobody"
# One PATH for all: node from the system, nothing under root's home (which another
# user cannot reach without the jail's namespace).
export PATH=/usr/local/bin:/usr/bin:/bin LEARN_DATA_DIR="$work/data" NO_COLOR=1
grade="grade --exercise hello-http --format json --output /dev/null"
hyperfine --warmup 2 --runs "${RUNS:-15}" --export-markdown "${OUT:-/dev/stdout}" \
  -n "check" "$work/learn check --path $work/sub --format json" \
  -n "grade, no jail" "setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=$work/nobody LEARN_DATA_DIR=$work/nobody $work/learn $grade $work/sub-nobody" \
  -n "grade, own user" "setpriv --bounding-set=-sys_admin $work/learn $grade $work/sub" \
  -n "grade, full jail" "$work/learn $grade $work/sub"
