#!/usr/bin/env bash
# A/B of xorsweep binaries on the kernel (bench) and the whole sweep, in alternated rounds, as
# net-epochs per CPU-second of the whole process (user + system, /usr/bin/time): the figure that
# moves least when others share the machine, and one every binary gives (old ones have no
# per-thread CPU rates in bench's JSON). Process overhead (drawing the nets, the thread pool) is
# in every binary's figure alike, and under 2 % of these runs.
#
#   benches/ab.sh LABEL=BINARY [LABEL=BINARY ...]
#
# e.g., from the repository root, with the binaries built in worktrees of their own:
#   git worktree add ../xs-main 2727188 && (cd ../xs-main && cargo build --release)
#   benches/ab.sh main=../xs-main/target/release/xorsweep new=target/release/xorsweep
#
# Environment: ROUNDS (3), NETS and EPOCHS of bench (262144, 500: the issue's
# `bench --impl simd --nets 262144 --epochs 500 --threads 1`), REPEATS per bench run (3),
# SWEEP=1 to add the whole sweep (`sweep --lr 0.5..8:16:log --init uniform:1 --seeds 65536
# --epochs 500 --runs-csv none --threads 2`, 1 048 576 nets; its CPU rate per CPU-second and its
# wall rate), PRECISIONS ("f64 f32"). Prints one line per run, then per binary and precision the
# range over the rounds and, with SWEEP=1, the sweep ÷ bench ratio paired by round.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
NETS=${NETS:-262144}
EPOCHS=${EPOCHS:-500}
REPEATS=${REPEATS:-3}
SWEEP=${SWEEP:-0}
PRECISIONS=${PRECISIONS:-f64 f32}
if [ $# -lt 1 ]; then
    echo "usage: benches/ab.sh LABEL=BINARY [LABEL=BINARY ...]" >&2
    exit 2
fi
for arg in "$@"; do
    bin=${arg#*=}
    if [ ! -x "$bin" ]; then
        echo "ab.sh: $bin is not an executable (give LABEL=BINARY)" >&2
        exit 2
    fi
done
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
RESULTS="$SCRATCH/results"
echo "# $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg) at start"

# cpu_seconds COMMAND...: runs it quietly, prints user + system seconds of the whole process.
cpu_seconds() {
    /usr/bin/time -f '%U %S' -o "$SCRATCH/time" "$@" > /dev/null 2> "$SCRATCH/err" || {
        cat "$SCRATCH/err" >&2
        return 1
    }
    awk '{ print $1 + $2 }' "$SCRATCH/time"
}

for round in $(seq 1 "$ROUNDS"); do
    for arg in "$@"; do
        label=${arg%%=*}
        bin=${arg#*=}
        for p in $PRECISIONS; do
            cpu=$(cpu_seconds "$bin" bench --impl simd --precision "$p" --nets "$NETS" \
                --epochs "$EPOCHS" --threads 1 --repeats "$REPEATS")
            rate=$(awk -v w="$((NETS * EPOCHS * REPEATS))" -v c="$cpu" 'BEGIN { printf "%.1f", w / c / 1e6 }')
            echo "round $round $label bench $p: $rate M net-epochs per CPU-second ($cpu s)"
            echo "$label bench $p $rate $round" >> "$RESULTS"
            if [ "$SWEEP" = 1 ]; then
                out="$SCRATCH/sweep"
                t0=$(date +%s.%N)
                cpu=$(cpu_seconds "$bin" sweep --lr 0.5..8:16:log --init uniform:1 --seeds 65536 \
                    --epochs 500 --precision "$p" --runs-csv none --threads 2 --quiet -o "$out")
                t1=$(date +%s.%N)
                rm -rf "$out"
                read -r rate wall < <(awk -v w="$((1048576 * 500))" -v c="$cpu" -v a="$t0" -v b="$t1" \
                    'BEGIN { printf "%.1f %.1f\n", w / c / 1e6, w / (b - a) / 1e6 }')
                echo "round $round $label sweep $p: $rate M net-epochs per CPU-second ($cpu s), $wall M/s wall"
                echo "$label sweep $p $rate $round" >> "$RESULTS"
            fi
        done
    done
done
echo "# load $(cut -d' ' -f1-3 /proc/loadavg) at end"
echo "# per CPU-second, min–max over $ROUNDS rounds:"
awk '{ k = $1 " " $2 " " $3; if (!(k in lo) || $4 < lo[k]) lo[k] = $4; if ($4 > hi[k]) hi[k] = $4 }
     END { for (k in lo) printf "%s: %.1f–%.1f M\n", k, lo[k], hi[k] }' "$RESULTS" | sort
if [ "$SWEEP" = 1 ]; then
    # The figure: each round's sweep over the same round's bench, as min–max and median.
    echo "# sweep ÷ bench per CPU-second, paired by round:"
    awk '{ r[$1 " " $3 " " $5 " " $2] = $4 }
         END { for (k in r) { split(k, f, " "); if (f[4] == "sweep" && (f[1] " " f[2] " " f[3] " bench") in r)
                   print f[1] " " f[2], r[k] / r[f[1] " " f[2] " " f[3] " bench"] } }' "$RESULTS" |
        sort -k1,2 -k3n |
        awk '{ k = $1 " " $2; v[k] = v[k] " " $3; n[k]++ }
             END { for (k in v) { split(v[k], a, " "); m = n[k] % 2 ? a[(n[k] + 1) / 2] : (a[n[k] / 2] + a[n[k] / 2 + 1]) / 2;
                   printf "%s: %.3f–%.3f, median %.3f\n", k, a[1], a[n[k]], m } }' | sort
fi
