#!/usr/bin/env bash
# A real Slurm (issue 26): start a single-node cluster on 127.0.0.1 (munged, slurmctld, slurmd,
# all under a temporary folder, on free ports), run the Slurm script of docs/sweeps.md — taken
# from the docs, so that the docs are what is tested, with a smaller sweep — as an array job,
# cancel one task once it has saved a chunk, requeue it, wait for the array, merge, and compare
# the merge byte for byte with an unsharded run. Every daemon it started is stopped on exit,
# whatever happens; every wait is bounded.
#
# Usage: tests/slurm.sh [XORSWEEP_BINARY]   (default target/debug/xorsweep; .ci/run calls it)
# Installs Debian's slurm-wlm and munge when they are missing (as root, with apt-get). Where it
# cannot, it says so and skips — except under CI ($CI set), where that is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
BIN=$(realpath "${1:-target/debug/xorsweep}")
[ -x "$BIN" ] || { echo "slurm.sh: $BIN is not built (cargo build first)" >&2; exit 1; }

skip() {
    if [ -n "${CI:-}" ]; then
        echo "slurm.sh: FAILED: $1 (under CI this test must run)" >&2
        exit 1
    fi
    echo "slurm.sh: SKIPPED: $1" >&2
    exit 0
}

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        skip "slurm-wlm and munge are not installed and cannot be installed here (needs root and apt-get)"
    fi
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y slurm-wlm munge; } \
        >/tmp/xorsweep-slurm-apt.log 2>&1 ||
        skip "apt-get install slurm-wlm munge failed (see /tmp/xorsweep-slurm-apt.log)"
fi
[ "$(id -u)" = 0 ] || skip "the daemons run as root here (SlurmUser=root); run as root"

T=$(mktemp -d /tmp/xorsweep-slurm.XXXXXX)
PIDS=()
status=1
cleanup() {
    # Cancel this cluster's jobs (all of them are this script's) and give them 10 s to end.
    if [ -n "${SLURM_CONF:-}" ]; then
        scancel --full --user=root 2>/dev/null || true
        for _ in $(seq 50); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
    fi
    # Stop exactly the daemons this script started, by pid; a daemon that does not stop within
    # 10 s is killed.
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    # What Slurm lost track of: a job step's slurmstepd, or an xorsweep whose batch shell is
    # gone, still holding files of this script's folder.
    for d in /proc/[0-9]*; do
        case "$(cat "$d/comm" 2>/dev/null)" in slurmstepd | xorsweep) ;; *) continue ;; esac
        if [ "$(readlink "$d/cwd" 2>/dev/null)" = "$T/work" ] ||
            ls -l "$d/fd" 2>/dev/null | grep -qF "$T/"; then
            kill -KILL "${d#/proc/}" 2>/dev/null || true
        fi
    done
    if [ "$status" != 0 ]; then
        for f in "$T"/*.log "$T"/work/*.log; do
            [ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }
        done >&2
        echo "slurm.sh: FAILED (files kept in $T)" >&2
    else
        [ -n "${KEEP:-}" ] || rm -rf "$T"
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() { echo "slurm.sh: $*" >&2; exit 1; }

# until SECONDS_MAX WHAT COMMAND...: poll COMMAND every 0.2 s, at most SECONDS_MAX seconds.
until_ok() {
    local max=$1 what=$2
    shift 2
    local end=$((SECONDS + max))
    until "$@"; do
        [ $SECONDS -lt $end ] || fail "timed out after ${max}s waiting for $what"
        sleep 0.2
    done
}

free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 30000))
        # Free when nothing answers there on 127.0.0.1.
        (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }
    done
}
CTLD_PORT=$(free_port)
SLURMD_PORT=$(free_port)
[ "$CTLD_PORT" != "$SLURMD_PORT" ] || SLURMD_PORT=$((CTLD_PORT + 1))
CPUS=$(nproc)

# munge, on its own socket and key.
head -c 1024 /dev/urandom >"$T/munge.key"
chmod 400 "$T/munge.key"
munged --force --foreground --socket="$T/munge.sock" --key-file="$T/munge.key" \
    --pid-file="$T/munged.pid" --log-file="$T/munged.log" --seed-file="$T/munge.seed" \
    >>"$T/munged.log" 2>&1 &
PIDS+=($!)
until_ok 10 "munged's socket" test -S "$T/munge.sock"

mkdir -p "$T/state" "$T/spool" "$T/work"
cat >"$T/slurm.conf" <<EOF
ClusterName=xorsweep-ci
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# A requeued job waits cred_expire seconds before it may start again (120 by default).
AuthInfo=socket=$T/munge.sock,cred_expire=10
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
KillWait=30
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=1000 State=UNKNOWN
PartitionName=ci Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$T/slurm.conf"
slurmctld -D -i -f "$SLURM_CONF" >>"$T/slurmctld.log" 2>&1 &
PIDS+=($!)
slurmd -D -N localhost -f "$SLURM_CONF" >>"$T/slurmd.log" 2>&1 &
PIDS+=($!)
node_idle() { [ "$(sinfo -h -n localhost -o %T 2>/dev/null)" = idle ]; }
until_ok 60 "the node to be idle" node_idle
echo "slurm.sh: $(sinfo -V) up on 127.0.0.1:$CTLD_PORT, $CPUS CPUs" >&2

# The documented script, with a smaller sweep: 4 shards of 6 chunks (one thread each), slow
# enough per chunk that a task is still running when its first chunk appears.
SWEEP="--lr 1,4 --init uniform:1 --seeds 600 --epochs 400000 --chunk-nets 50 --quiet"
awk '/<!-- tests\/slurm.sh runs the next block -->/ { want = 1; next }
     want && /^```/ { if (inside) exit; inside = 1; next }
     inside { print }' docs/sweeps.md >"$T/documented.sbatch"
grep -q '^exec xorsweep sweep' "$T/documented.sbatch" || fail "no Slurm script found in docs/sweeps.md"
sed -e 's/--array=0-7/--array=0-3/' -e 's/--shard-count 8/--shard-count 4/' \
    -e 's/--cpus-per-task=2/--cpus-per-task=1/' -e "s/--seeds 5000 --quiet/$SWEEP/" \
    "$T/documented.sbatch" >"$T/work/sweep.sbatch"
for want in -- '--resume' '--shard-count 4' '--array=0-3' "$SWEEP" '--open-mode=append'; do
    [ "$want" = -- ] && continue
    grep -qF -- "$want" "$T/work/sweep.sbatch" || fail "the documented script no longer has '$want'"
done

export PATH="$(dirname "$BIN"):$PATH"
cd "$T/work"
start=$SECONDS
# The reference: the same sweep, unsharded, outside Slurm.
xorsweep sweep $SWEEP --threads "$CPUS" --out whole >/dev/null
JOB=$(sbatch --parsable sweep.sbatch)
JOB=${JOB%%;*}
# The documented merge job, waiting for the whole array (the requeued task included).
merge_line=$(grep -m 1 -- '--dependency=afterany:JOBID' "$REPO/docs/sweeps.md" | sed -e 's/ *#.*//' -e "s/JOBID/$JOB/")
case "$merge_line" in sbatch*) ;; *) fail "no merge job line found in docs/sweeps.md" ;; esac
MERGE=$(eval "${merge_line/sbatch/sbatch --parsable --output=merge.log}")
echo "slurm.sh: [$((SECONDS - start)) s] array job $JOB and merge job ${MERGE%%;*} submitted" >&2

# Cancel task 1 once it has saved a chunk (it has 6), then requeue it.
has_chunk() { compgen -G "shards/1/chunks/chunk-*.bin" >/dev/null; }
until_ok 180 "a chunk of shard 1" has_chunk
scancel "${JOB}_1"
task_state() { squeue -h -j "${JOB}_1" -o %T 2>/dev/null | head -n 1; }
stopped() { case "$(task_state)" in RUNNING | COMPLETING | CONFIGURING) return 1 ;; *) return 0 ;; esac; }
until_ok 60 "task 1 to stop" stopped
log1="xorsweep-${JOB}_1.log"
until_ok 30 "task 1's interruption in its log" grep -q "interrupted by SIGTERM" "$log1"
scontrol requeue "${JOB}_1"
echo "slurm.sh: [$((SECONDS - start)) s] task 1 cancelled after $(ls shards/1/chunks | wc -l) chunk files, requeued" >&2

array_done() { [ -z "$(squeue -h -j "$JOB" 2>/dev/null)" ]; }
until_ok 300 "the array to finish" array_done
echo "slurm.sh: [$((SECONDS - start)) s] array done" >&2
for k in 0 1 2 3; do
    grep -q "shard $k/4" "xorsweep-${JOB}_$k.log" || fail "task $k did not finish its shard"
done
# The requeued task appended to the log of the one that was stopped.
grep -q "interrupted by SIGTERM" "$log1" || fail "task 1's log lost the stopped run"
grep -q "Resume with:" "$log1" || fail "task 1's log lacks the resume command"

merge_done() { [ -z "$(squeue -h -j "${MERGE%%;*}" 2>/dev/null)" ]; }
until_ok 120 "the merge job" merge_done
[ -f merged/manifest.json ] || fail "the merge job did not finish: $(cat merge.log)"
n=0
for f in whole/*; do
    name=$(basename "$f")
    [ "$name" = manifest.json ] && continue
    cmp -s "$f" "merged/$name" || fail "merged/$name differs from the unsharded run's"
    n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n files compared"
if [ -n "${XORSWEEP_SLURM_TIME_LIMIT:-}" ]; then
    # Not in CI (over a minute): a task that reaches --time with --signal=B:TERM@50, as written
    # (exec) and without exec. Only the first should see SIGTERM before the limit kills it.
    BIG="--lr 1,4 --init uniform:1 --seeds 40000 --epochs 400000 --chunk-nets 50 --quiet"
    sed -e "s/$SWEEP/$BIG/" -e 's|shards/|limit/|' sweep.sbatch >limit.sbatch
    sed -e 's/^exec xorsweep/xorsweep/' -e 's|limit/|noexec/|' limit.sbatch >noexec.sbatch
    J1=$(sbatch --parsable --array=0 --time=1 --signal=B:TERM@50 --output=limit.log limit.sbatch)
    J2=$(sbatch --parsable --array=0 --time=1 --signal=B:TERM@50 --output=noexec.log noexec.sbatch)
    limit_done() { [ -z "$(squeue -h -j "${J1%%;*},${J2%%;*}" 2>/dev/null)" ]; }
    t0=$SECONDS
    until_ok 240 "the time-limited tasks to end" limit_done
    echo "slurm.sh: [time limit] both ended after $((SECONDS - t0)) s" >&2
    grep -q "interrupted by SIGTERM" limit.log || fail "with exec, xorsweep did not get --signal's SIGTERM"
    ! grep -q "interrupted by SIGTERM" noexec.log || fail "without exec, xorsweep got SIGTERM after all"
    echo "slurm.sh: [time limit] exec: $(grep -o 'interrupted by SIGTERM: [0-9]* of [0-9]* chunks' limit.log); without exec: no signal, no message, $(ls noexec/0/chunks | wc -l) chunk files so far" >&2
fi
echo "slurm.sh: ok: documented script, task 1 cancelled and requeued, merge identical to the unsharded run ($n files) in $((SECONDS - start)) s" >&2
status=0
