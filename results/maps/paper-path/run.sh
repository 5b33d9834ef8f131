#!/usr/bin/env bash
# The paper condition's boundary along one fixed zoom path (windows.txt: the path kernel version
# 1 took, 1× to 10¹⁴×), measured in f64 and in double-double lanes: per frame and precision the
# converged share, the boundary chaos (one ulp of the lanes' precision on the axes and on the
# weights, against half a pixel), whether rounding dominates, the dimension with its range, and
# the share of pixels on which f64 and double-double agree. Writes paper-path.csv here.
#   results/maps/paper-path/run.sh [path/to/xorsweep]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-$here/../../../target/release/xorsweep}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
paper=(--activation tanh --output linear --measure converged --epochs 1000 --csv --quiet --json)
grep -v '^#' "$here/windows.txt" | while read -r frame zoom x y; do
    for p in f64 dd; do
        "$bin" map "${paper[@]}" --precision "$p" --x "$x" --y "$y" \
            --out "$work/$frame-$p" > "$work/$frame-$p.json"
    done
    echo "$frame $zoom"
done > "$work/frames"
python3 - "$work" > "$here/paper-path.csv" <<'PY'
import csv, json, sys
work = sys.argv[1]
def r(x, digits):
    """Rounded, or empty where the frame has no such number (no boundary: null in JSON)."""
    return "" if x is None else round(x, digits)
def converged(path):
    with open(path) as f:
        return [r["diverged"] == "0" and float(r["mean_loss"]) < 1 for r in csv.DictReader(f)]
print("frame,zoom,precision,converged,boundary_pixels,ulp_axes,ulp_axes_low,ulp_axes_high,"
      "ulp_weights,half_pixel,half_pixel_low,half_pixel_high,rounding_ratio,rounding_dominated,"
      "dimension,dimension_low,dimension_high,same_as_other_precision")
for line in open(f"{work}/frames"):
    frame, zoom = line.split()
    v = {p: converged(f"{work}/{frame}-{p}/map.csv") for p in ("f64", "dd")}
    same = sum(a == b for a, b in zip(v["f64"], v["dd"])) / len(v["f64"])
    for p in ("f64", "dd"):
        f = json.load(open(f"{work}/{frame}-{p}.json"))["frames"][0]
        b, d = f["boundary_chaos"], f["dimensions"] or {}
        print(",".join(str(x) for x in [
            frame, zoom, p, r(f["converged_fraction"], 4), b["boundary_pixels"],
            r(b["axes"]["share"], 4), r(b["axes"]["wilson"][0], 4),
            r(b["axes"]["wilson"][1], 4), r(b["weights"]["share"], 4),
            r(b["half_pixel"]["share"], 4), r(b["half_pixel"]["wilson"][0], 4),
            r(b["half_pixel"]["wilson"][1], 4), r(b["rounding_ratio"], 3),
            str(f["rounding_dominated"]).lower(), r(d.get("value"), 3),
            r(d.get("low"), 3), r(d.get("high"), 3), r(same, 4)]))
PY
echo "wrote $here/paper-path.csv"
