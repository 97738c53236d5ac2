#!/usr/bin/env bash
# The default `rurban run` against the Python stack on the county panel,
# like for like: pystack.py writes what the default run writes (coupling,
# obstacle degree, stages/normalised.csv, coverage.csv and their summary.json
# objects), report and workbook aside.
#
#   benches/compare/county_race.sh [K]        # from the repository root; K = 3 rounds
#
# Environment (all optional):
#   RURBAN   the binary (default target/release/rurban; build it first with
#            `cargo build --release -p rurban-cli`)
#   PYTHON   an interpreter with numpy, scipy, pandas, scikit-learn and
#            statsmodels (default python3)
#   WORK     the workload and output directory (default target/county-race);
#            the workload is written there by `rurban synth --preset county`
#            when spec.toml or county.csv is missing
#   CHECK    1 (default) to check the last round's outputs with
#            check_pystack.py at rtol 1e-9; 0 to skip
#
# Each round runs, one after the other and each into a fresh directory under
# /usr/bin/time -v: the default run (report and workbook), the run with
# --no-report --no-xlsx, and pystack.py. The table gives the minimum wall
# time, the minimum CPU time (user + system) and the largest peak resident
# set size over the rounds, and the ratios Python / rurban (for memory:
# rurban / Python, the share of Python's peak the run needs).
set -euo pipefail

K=${1:-3}
RURBAN=${RURBAN:-target/release/rurban}
PYTHON=${PYTHON:-python3}
WORK=${WORK:-target/county-race}
CHECK=${CHECK:-1}
HERE=benches/compare

if [ ! -f "$HERE/pystack.py" ]; then
    echo "error: run from the repository root ($HERE/pystack.py not found)" >&2
    exit 2
fi
if [ ! -x "$RURBAN" ]; then
    echo "error: $RURBAN not found: cargo build --release -p rurban-cli, or set RURBAN" >&2
    exit 2
fi
if [ ! -x /usr/bin/time ]; then
    echo "error: /usr/bin/time (GNU time, for -v) is needed" >&2
    exit 2
fi
mkdir -p "$WORK"
if [ ! -f "$WORK/spec.toml" ] || [ ! -f "$WORK/county.csv" ]; then
    echo "writing the county workload into $WORK" >&2
    "$RURBAN" synth --preset county --out "$WORK/county.csv" --spec "$WORK/spec.toml" >&2
fi
LOG="$WORK/times"
rm -rf "$LOG"
mkdir -p "$LOG"

# one timed process: NAME ROUND OUTDIR COMMAND...
timed() {
    local name=$1 round=$2 out=$3
    shift 3
    rm -rf "$out"
    if ! /usr/bin/time -v -o "$LOG/$name.$round.time" "$@" >"$LOG/$name.$round.out" 2>&1; then
        echo "error: $name (round $round) failed; see $LOG/$name.$round.out" >&2
        exit 1
    fi
    awk -v n="$name" -v r="$round" '
        /Elapsed \(wall clock\)/ { t = $NF; k = split(t, p, ":"); w = 0; for (i = 1; i <= k; i++) w = w * 60 + p[i] }
        /User time/ { u = $NF } /System time/ { s = $NF } /Maximum resident/ { m = $NF }
        END { printf "%-8s round %s: wall %7.2f s, user %6.2f s, system %6.2f s, peak %7.0f MiB\n", n, r, w, u, s, m / 1024 }
    ' "$LOG/$name.$round.time" >&2
}

echo "load before: $(uptime)" >&2
for round in $(seq 1 "$K"); do
    timed full "$round" "$WORK/out-full" "$RURBAN" run "$WORK/spec.toml" --out "$WORK/out-full" -q
    timed lean "$round" "$WORK/out-lean" "$RURBAN" run "$WORK/spec.toml" --out "$WORK/out-lean" -q --no-report --no-xlsx
    timed python "$round" "$WORK/out-py" "$PYTHON" "$HERE/pystack.py" run "$WORK/spec.toml" --out "$WORK/out-py"
done
echo "load after: $(uptime)" >&2

# the table: min wall, min CPU, max peak RSS per side, and the ratios
awk '
    FNR == 1 { split(FILENAME, f, "/"); split(f[length(f)], q, "."); n = q[1] }
    /Elapsed \(wall clock\)/ { t = $NF; k = split(t, p, ":"); w = 0; for (i = 1; i <= k; i++) w = w * 60 + p[i]
                              if (!(n in W) || w < W[n]) W[n] = w }
    /User time/ { u = $NF } /System time/ { c = u + $NF; if (!(n in C) || c < C[n]) C[n] = c }
    /Maximum resident/ { if ($NF > M[n]) M[n] = $NF }
    END {
        printf "| run | min wall (s) | min CPU, user + system (s) | peak RSS (MiB) | Python / rurban, wall | Python / rurban, CPU | rurban / Python, peak RSS |\n"
        printf "|---|---:|---:|---:|---:|---:|---:|\n"
        split("full lean python", order, " ")
        label["full"] = "`rurban run` (default: report and workbook)"
        label["lean"] = "`rurban run --no-report --no-xlsx`"
        label["python"] = "`pystack.py run`"
        for (i = 1; i <= 3; i++) {
            n = order[i]
            if (n == "python")
                printf "| %s | %.2f | %.2f | %.0f | | | |\n", label[n], W[n], C[n], M[n] / 1024
            else
                printf "| %s | %.2f | %.2f | %.0f | %.2fx | %.2fx | %.2f |\n", label[n], W[n], C[n], M[n] / 1024,
                    W["python"] / W[n], C["python"] / C[n], M[n] / M["python"]
        }
    }
' "$LOG"/*.time
echo "rounds: $K; targets: default run >= 5x, --no-report --no-xlsx >= 10x (wall), peak RSS <= 0.5 of Python's"

if [ "$CHECK" = 1 ]; then
    echo "checking the last round's numbers (rurban --no-report --no-xlsx against pystack.py):" >&2
    "$PYTHON" "$HERE/check_pystack.py" "$WORK/out-lean" "$WORK/out-py"
fi
