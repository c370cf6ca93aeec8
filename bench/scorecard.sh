#!/usr/bin/env bash
#
# bench/scorecard.sh: the scorecard report at national scale
# (docs/BENCHMARKS.md "Scorecard at national scale").
#
#   bench/scorecard.sh [--build DIR] [--work DIR] [--runs N] [--practices N]
#                      [--indicators N] [--page-size N] [--keep]
#
# Makes a fresh database in --work (default /tmp/assure-scorecard-bench),
# seeds one review year with assure-seed-reviews (7,000 practices x 30
# indicators by default), starts assured from --build (default build/, the
# RelWithDebInfo tree) on 127.0.0.1 with debug logging, logs in as a viewer,
# then runs `assure scorecard --year 2009/10 --format F --output FILE` --runs
# times (default 5) for each of table, csv, json and html, and prints for
# each format the wall time (min / median / max) and the output's size, and
# the server's time per page (dispatch to reply built, from its debug log:
# database work and response building, not packing or TLS). Stops the
# server it started, by its pid. Everything stays on loopback.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build
WORK=/tmp/assure-scorecard-bench
RUNS=5
PRACTICES=7000
INDICATORS=30
PAGE_SIZE=
KEEP=0
YEAR=2009/10
ADMIN_PW='correct horse battery staple'
VIEWER_PW='scorecard bench passphrase 1'

while (($#)); do
	case $1 in
	--build) BUILD=$2; shift 2 ;;
	--work) WORK=$2; shift 2 ;;
	--runs) RUNS=$2; shift 2 ;;
	--practices) PRACTICES=$2; shift 2 ;;
	--indicators) INDICATORS=$2; shift 2 ;;
	--page-size) PAGE_SIZE=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h | --help) sed -n '3,19p' "$0"; exit 0 ;;
	*) echo "scorecard.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

ASSURED=$BUILD/server/assured
ASSURE=$BUILD/client/assure
SEED=$BUILD/bench/assure-seed-reviews
for b in "$ASSURED" "$ASSURE" "$SEED"; do
	[[ -x $b ]] || { echo "scorecard.sh: $b not built" >&2; exit 1; }
done

rm -rf "$WORK"
mkdir -p "$WORK/out" "$WORK/cfg"
"$ROOT/certs/make-dev-certs.sh" --test "$WORK/certs" >/dev/null 2>&1
"$ASSURED" init --db "$WORK/a.db" --admin admin --password-stdin <<<"$ADMIN_PW" >/dev/null 2>&1
echo "== seeding"
"$SEED" --db "$WORK/a.db" --year "$YEAR" --practices "$PRACTICES" --indicators "$INDICATORS"
ls -l "$WORK/a.db" | awk '{printf "database:        %.1f MB\n", $5 / 1048576}'

"$ASSURED" --db "$WORK/a.db" --listen 127.0.0.1:0 --cert "$WORK/certs/server.crt" \
	--key "$WORK/certs/server.key" --ready-file "$WORK/ready" --log-level debug \
	>"$WORK/assured.log" 2>&1 &
SERVER_PID=$!
stop_server() {
	if kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID"
		wait "$SERVER_PID" || true
	fi
	if ((KEEP == 0)); then rm -rf "$WORK"; fi
}
trap stop_server EXIT
for _ in $(seq 200); do [[ -s $WORK/ready ]] && break; sleep 0.05; done
ADDR=$(cat "$WORK/ready")
export ASSURE_CONFIG_DIR=$WORK/cfg ASSURE_SERVER=$ADDR ASSURE_CA=$WORK/certs/ca.crt
"$ASSURE" login --user admin --password-stdin <<<"$ADMIN_PW" >/dev/null
"$ASSURE" user add bench-viewer --display-name "Bench viewer" --site NORTH --role viewer \
	--password-stdin <<<"$VIEWER_PW" >/dev/null
"$ASSURE" logout >/dev/null
"$ASSURE" login --user bench-viewer --password-stdin <<<"$VIEWER_PW" >/dev/null

now_ns() { date +%s%N; }
# min / median / max of the numbers on stdin (one a line), in the unit given.
stats() {
	sort -n | awk -v unit="$1" '{ v[NR] = $1 } END {
		if (NR == 0) { print "-"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f / %.1f / %.1f %s (n=%d)", v[1], m, v[NR], unit, NR }'
}

echo "== assure scorecard --year $YEAR --format F --output FILE${PAGE_SIZE:+ --page-size $PAGE_SIZE}, $RUNS runs each"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s  %-34s  %-12s  %-7s  %s\n' format "wall ms (min / median / max)" "output" pages \
	"server ms per page (min / median / max)"
for fmt in table csv json html; do
	: >"$WORK/wall.$fmt"
	start_line=$(wc -l <"$WORK/assured.log")
	for _ in $(seq "$RUNS"); do
		t0=$(now_ns)
		"$ASSURE" scorecard --year "$YEAR" --format "$fmt" --output "$WORK/out/scorecard.$fmt" \
			${PAGE_SIZE:+--page-size "$PAGE_SIZE"}
		t1=$(now_ns)
		echo $(((t1 - t0) / 1000)) >>"$WORK/wall.$fmt"
	done
	# The server's lines for these runs: "rpc ... Scorecard id=N user=... ok NNNus".
	tail -n +"$((start_line + 1))" "$WORK/assured.log" |
		sed -n 's/.* Scorecard id=[0-9]* user=[^ ]* ok \([0-9]*\)us$/\1/p' >"$WORK/pages.$fmt"
	pages=$(($(wc -l <"$WORK/pages.$fmt") / RUNS))
	size=$(stat -c %s "$WORK/out/scorecard.$fmt")
	printf '%-6s  %-34s  %-12s  %-7s  %s\n' "$fmt" \
		"$(awk '{ print $1 / 1000 }' "$WORK/wall.$fmt" | stats ms)" \
		"$(awk -v s="$size" 'BEGIN { printf "%.2f MB", s / 1048576 }')" "$pages" \
		"$(awk '{ print $1 / 1000 }' "$WORK/pages.$fmt" | stats ms)"
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
wc -l "$WORK/out/scorecard.csv" | awk '{ printf "csv lines:       %d (header + rows)\n", $1 }'
