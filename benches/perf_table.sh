#!/usr/bin/env bash
# The performance table of docs/performance.md, measured in one session on this machine:
# `xorsweep bench` (lanes, 1 and 2 threads), the roofline share (where `bench --roofline`
# exists), the whole sweep of 1 048 576 nets × 500 epochs as a process with `--runs-csv none`
# and `--runs-csv all`, a 1024² map of as many epochs, and the JAX and numpy peer trainers,
# each in f64 and f32. Prints a markdown table in M net-epochs/s (one net-epoch: one full-batch
# gradient step of one 2-2-1 net over the four XOR cases) with the CPU and the load average at
# start and end.
#
# Usage: benches/perf_table.sh [XORSWEEP] [PYTHON] [ANCHORS]
#   XORSWEEP  the xorsweep binary           (default: target/release/xorsweep)
#   PYTHON    a python with numpy and jax   (default: /work/venv-peers/bin/python, else python3)
#   ANCHORS   folder of jax_xor.py and numpy_xor.py (default: ../shared/anchors)
# Environment: THREADS (default 2), REPEATS (bench repeats, default 3), NETS (default 1048576,
# a multiple of 16) and EPOCHS (default 500) for a quick try, KEEP=1 keeps the scratch folder
# (raw logs). A python without jax or numpy gives "n/a" rows.
# About 2 minutes on 2 idle AVX-512 cores; the runs.csv of the `all` sweep needs ~600 MB of
# disk in the scratch folder ($TMPDIR), deleted after each sweep.
set -euo pipefail

XS=${1:-target/release/xorsweep}
PY=${2:-}
ANCHORS=${3:-../shared/anchors}
if [ -z "$PY" ]; then
    if [ -x /work/venv-peers/bin/python ]; then PY=/work/venv-peers/bin/python; else PY=python3; fi
fi
THREADS=${THREADS:-2}
REPEATS=${REPEATS:-3}
NETS=${NETS:-1048576}
EPOCHS=${EPOCHS:-500}
# The whole sweep: 16 learning rates × 65 536 seeds of one init = 1 048 576 nets.
SWEEP_ARGS=(--lr 0.5..8:16:log --init uniform:1 --seeds $((NETS / 16)) --epochs "$EPOCHS")
# Peers: JAX on all cores (its default), numpy on one core in 16k-net chunks (its fastest);
# -E E runs epochs 0..=E, E + 1 gradient steps. JAX at its best: the sweep's epoch count in
# chunks of 65 536 and of 32 768 nets (lax.map; the better of the two is the peer the sweep is
# compared with), and unchunked, as a second, labelled row.
JAX_ARGS=(-N "$NETS" -E $((EPOCHS - 1)) --reps 2)
JAX_CHUNKS=(65536 32768)
JAX_PLAIN_ARGS=(-N "$NETS" -E 99 --reps 3)
NUMPY_ARGS=(-N 262144 -E 199 --chunk 16384 --reps 3)

for f in "$XS" "$ANCHORS/jax_xor.py" "$ANCHORS/numpy_xor.py"; do
    if [ ! -e "$f" ]; then
        echo "perf_table.sh: $f not found (usage: benches/perf_table.sh [XORSWEEP] [PYTHON] [ANCHORS])" >&2
        exit 2
    fi
done
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/perf_table.XXXXXX")
if [ "${KEEP:-0}" != 1 ]; then trap 'rm -rf "$SCRATCH"' EXIT; fi
START=$(date -u +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
say() { echo "[perf_table $(($(date -u +%s) - START)) s] $*" >&2; }

# --- xorsweep bench: one JSON object per (precision, thread count); with the roofline where
# this build has `bench --roofline` (a `roofline` object on each 1-thread lane measurement) ---
ROOFLINE=()
if "$XS" bench --help | grep -q -- --roofline; then ROOFLINE=(--roofline); fi
say "bench ${ROOFLINE[*]}: simd, f64 and f32, $NETS nets × $EPOCHS epochs, 1 and $THREADS threads, $REPEATS repeats"
"$XS" bench "${ROOFLINE[@]}" --impl simd --precision both --nets "$NETS" --epochs "$EPOCHS" \
    --threads "$THREADS" --repeats "$REPEATS" --json > "$SCRATCH/bench.jsonl"

# --- the whole sweep, as a process ---
for p in f64 f32; do
    for rows in none all; do
        say "sweep: $p, --runs-csv $rows"
        out="$SCRATCH/sweep-$p-$rows"
        t0=$(date +%s.%N)
        /usr/bin/time -f '%M %U %S' -o "$SCRATCH/time-$p-$rows" \
            "$XS" sweep "${SWEEP_ARGS[@]}" --precision "$p" --runs-csv "$rows" \
            --threads "$THREADS" --quiet -o "$out" > /dev/null 2> "$SCRATCH/sweep-$p-$rows.err"
        t1=$(date +%s.%N)
        echo "$t0 $t1" > "$SCRATCH/wall-$p-$rows"
        du -sb "$out" | cut -f1 > "$SCRATCH/bytes-$p-$rows"
        rm -rf "$out"
    done
done

# --- the map: one net per pixel, SIDE² pixels (SIDE² ≤ NETS), as a process ---
SIDE=$(python3 -c "import math; print(math.isqrt($NETS))")
MAP_ARGS=(--x "lr-hidden:0.1..1000:$SIDE:log" --y "lr-out:0.1..1000:$SIDE:log" --epochs "$EPOCHS")
for p in f64 f32; do
    say "map: $p, $SIDE² pixels"
    out="$SCRATCH/map-$p"
    t0=$(date +%s.%N)
    "$XS" map "${MAP_ARGS[@]}" --precision "$p" --threads "$THREADS" --quiet -o "$out" \
        > /dev/null 2> "$SCRATCH/map-$p.err"
    t1=$(date +%s.%N)
    echo "$t0 $t1" > "$SCRATCH/wall-map-$p"
    rm -rf "$out"
done

# --- the peers ---
for p in f64 f32; do
    for c in "${JAX_CHUNKS[@]}"; do
        say "jax: $p ${JAX_ARGS[*]} --chunk $c"
        "$PY" "$ANCHORS/jax_xor.py" "${JAX_ARGS[@]}" --chunk "$c" --dtype "$p" \
            > "$SCRATCH/jax$c-$p.out" 2>&1 || echo "jax failed (see $SCRATCH/jax$c-$p.out)" >&2
    done
    say "jax: $p ${JAX_PLAIN_ARGS[*]}"
    "$PY" "$ANCHORS/jax_xor.py" "${JAX_PLAIN_ARGS[@]}" --dtype "$p" > "$SCRATCH/jax-$p.out" 2>&1 ||
        echo "jax failed (see $SCRATCH/jax-$p.out)" >&2
    say "numpy: $p ${NUMPY_ARGS[*]}"
    "$PY" "$ANCHORS/numpy_xor.py" "${NUMPY_ARGS[@]}" --dtype "$p" > "$SCRATCH/numpy-$p.out" 2>&1 ||
        echo "numpy failed (see $SCRATCH/numpy-$p.out)" >&2
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
say "done"

# --- the table ---
CPU=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
FLAGS=$(grep -o -w -E 'avx512f|avx2|amx_tile|avx512_fp16' /proc/cpuinfo | sort -u | tr '\n' ' ')
PEERS=$("$PY" -c 'import numpy, jax; print("numpy", numpy.__version__ + ", jax", jax.__version__)' 2>/dev/null || echo "numpy/jax not importable")
"$PY" - "$SCRATCH" "$NETS" "$EPOCHS" "$THREADS" "$SIDE" "${JAX_CHUNKS[@]}" <<'EOF'
import json, re, sys
from pathlib import Path

scratch, nets, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
side = int(sys.argv[5])
jax_chunks = sys.argv[6:]
d = Path(scratch)
work = nets * epochs

bench, roofline = {}, {}
for line in (d / "bench.jsonl").read_text().splitlines():
    m = json.loads(line)
    bench[(m["precision"], m["threads"])] = (m["median"], m["min"], m["max"])
    if m["threads"] == 1 and isinstance(m.get("roofline"), dict):
        roofline[m["precision"]] = m["roofline"]

def sweep(p, rows):
    t0, t1 = map(float, (d / f"wall-{p}-{rows}").read_text().split())
    return work / (t1 - t0)

def peer(name, p):
    """(median, min, max) of the peer's timed repeats, from its `rep i: … net-epochs/s` lines."""
    f = d / f"{name}-{p}.out"
    text = f.read_text() if f.exists() else ""
    m = re.search(r"->\s*([0-9.eE+-]+) net-epochs/s", text)
    reps = [float(x) for x in re.findall(r"^rep \d+: .*?([0-9.eE+-]+) net-epochs/s", text, re.M)]
    return (float(m.group(1)), min(reps), max(reps)) if m and reps else None

def roof(p):
    """The 1-thread lane measurement's share of this core's issue limit, ± its uncertainty."""
    r = roofline.get(p)
    if r is None:
        return "n/a"
    return f"{100 * r['share']:.0f} ± {100 * r['share_error']:.0f} %"

def M(x):
    """A rate in M net-epochs/s; a (median, min, max) triple as `median (min–max)`."""
    if x is None:
        return "n/a"
    if isinstance(x, tuple):
        return f"{x[0] / 1e6:.1f} ({x[1] / 1e6:.1f}–{x[2] / 1e6:.1f})"
    return f"{x / 1e6:.1f}"
med = lambda x: x[0] if isinstance(x, tuple) else x
R = lambda a, b: "" if a is None or b is None else f"{med(a) / med(b):.2f}×"
rows = []
s = {(p, r): sweep(p, r) for p in ("f64", "f32") for r in ("none", "all")}
def best_jax(p):
    """The better (by median) of the chunked JAX runs, with its chunk size."""
    runs = [(peer(f"jax{c}", p), c) for c in jax_chunks]
    runs = [r for r in runs if r[0] is not None]
    return max(runs, key=lambda r: r[0][0]) if runs else (None, None)
jax_best = {p: best_jax(p) for p in ("f64", "f32")}
jax = {p: jax_best[p][0] for p in ("f64", "f32")}
jax_plain = {p: peer("jax", p) for p in ("f64", "f32")}
npy = {p: peer("numpy", p) for p in ("f64", "f32")}
b2 = {p: bench.get((p, threads)) for p in ("f64", "f32")}
print("| M net-epochs/s: median (min–max of the repeats) | f64 | f32 | f64 sweep/bench | f32 sweep/bench | f64 sweep/best JAX | f32 sweep/best JAX |")
print("|---|---|---|---|---|---|---|")
print(f"| `bench --impl simd`, 1 thread | {M(bench.get(('f64', 1)))} | {M(bench.get(('f32', 1)))} | | | | |")
print(f"| `bench --impl simd`, {threads} threads | {M(b2['f64'])} | {M(b2['f32'])} | | | | |")
print(f"| roofline share of the 1-thread bench (`bench --roofline`) | {roof('f64')} | {roof('f32')} | | | | |")
for r in ("none", "all"):
    print(f"| **whole sweep, `--runs-csv {r}`**, {threads} threads, one run | {M(s[('f64', r)])} | {M(s[('f32', r)])} "
          f"| {R(s[('f64', r)], b2['f64'])} | {R(s[('f32', r)], b2['f32'])} "
          f"| {R(s[('f64', r)], jax['f64'])} | {R(s[('f32', r)], jax['f32'])} |")
mp = {}
for p in ("f64", "f32"):
    t0, t1 = map(float, (d / f"wall-map-{p}").read_text().split())
    mp[p] = side * side * epochs / (t1 - t0)
print(f"| **map**, {side}² pixels × {epochs} epochs, {threads} threads, one run | {M(mp['f64'])} | {M(mp['f32'])} "
      f"| {R(mp['f64'], b2['f64'])} | {R(mp['f32'], b2['f32'])} | | |")
chunks = " / ".join(sorted({str(jax_best[p][1]) for p in ("f64", "f32") if jax_best[p][1]}))
print(f"| **JAX at its best** (jit + vmap + fori_loop, `--chunk {chunks or 'n/a'}` of {' and '.join(jax_chunks)}, {epochs} steps), all cores | {M(jax['f64'])} | {M(jax['f32'])} | | | | |")
print(f"| JAX unchunked, 100 steps (second row: not its best), all cores | {M(jax_plain['f64'])} | {M(jax_plain['f32'])} | | | | |")
print(f"| numpy (broadcast, 16k-net chunks), 1 core | {M(npy['f64'])} | {M(npy['f32'])} | | | | |")
print()
for p in ("f64", "f32"):
    for r in ("none", "all"):
        rss_kb, user, sys_ = (d / f"time-{p}-{r}").read_text().split()[-3:]
        cpu = float(user) + float(sys_)
        mb = int((d / f"bytes-{p}-{r}").read_text()) / 1e6
        t0, t1 = map(float, (d / f"wall-{p}-{r}").read_text().split())
        print(f"- sweep {p} --runs-csv {r}: {t1 - t0:.2f} s wall, {cpu:.2f} s CPU "
              f"({work / cpu / 1e6:.1f} M net-epochs per CPU-second), peak RSS {int(rss_kb) / 1024:.0f} MB, "
              f"folder at the end {mb:.0f} MB")
EOF
echo
echo "- CPU: $CPU ($(nproc) cores; $FLAGS)"
echo "- load average (1, 5, 15 min): $LOAD_START at start, $LOAD_END at end"
echo "- $PEERS; xorsweep $("$XS" --version | cut -d' ' -f2), $(date -u '+%Y-%m-%d %H:%M UTC'), $(($(date -u +%s) - START)) s in all"
echo "- bench: \`xorsweep bench ${ROOFLINE[*]} --impl simd --precision both --nets $NETS --epochs $EPOCHS --threads $THREADS --repeats $REPEATS\` (median of the repeats)"
echo "- sweep: \`xorsweep sweep ${SWEEP_ARGS[*]} --precision P --runs-csv none|all --threads $THREADS --quiet\` ($NETS nets; whole process wall time)"
echo "- map: \`xorsweep map ${MAP_ARGS[*]} --precision P --threads $THREADS --quiet\` (whole process wall time, its PNGs and page included)"
echo "- JAX: \`jax_xor.py ${JAX_ARGS[*]} --chunk C --dtype P\` for C in ${JAX_CHUNKS[*]}, the better median of the two (the sweep/JAX ratios are against it), and \`jax_xor.py ${JAX_PLAIN_ARGS[*]} --dtype P\` unchunked; numpy: \`numpy_xor.py ${NUMPY_ARGS[*]} --dtype P\` (median of the repeats)"
