#!/usr/bin/env bash
# Submits the job list of `cudaprune compare --plan` to Slurm: one job array per stage, each stage
# waiting for the one before (afterok), then a report job. OUT must be on a filesystem that every node
# sees; the cells write their folders there, and the tasks' logs go to OUT/slurm/. docs/CLUSTER.md.
#
#   scripts/slurm/compare-sbatch.sh OUT [--cudaprune CMD] [--device D] [--data PATH] [--dry-run] [-- sbatch options]
#
#   OUT            the folder `cudaprune compare ... --out OUT --plan` wrote (plan.json, jobs.tsv)
#   --cudaprune    the command line that runs cudaprune on a node; default: cudaprune on PATH, else
#                  dotnet with this checkout's Release build
#   --device, --data   passed to every cell (`compare --cell ID --device D --data PATH`); without them a
#                  cell uses the plan's device and the data where the plan found it
#   --dry-run      print the sbatch commands instead of running them
#   -- ...         options for every sbatch call (--partition=gpu --gres=gpu:1 --time=2:00:00 ...);
#                  they override the #SBATCH lines of compare-cell.sbatch
#
# A stage's cells run as one array (`--array=0-(n-1)`, the task id is the cell's index in its stage);
# its exclusive cells (latency measurements) go in a second array with --exclusive, so that nothing
# shares their machine. --kill-on-invalid-dep: a failed stage cancels everything after it instead of
# leaving it pending. Prints one line per job; the last line is `report job ID`.
set -euo pipefail

die() { echo "compare-sbatch: $*" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || die "usage: compare-sbatch.sh OUT [--cudaprune CMD] [--device D] [--data PATH] [--dry-run] [-- sbatch options]"
out=$(realpath -m "$1")
shift
cmd="" dry=0 cell_options=() sbatch_options=()
while [ $# -gt 0 ]; do
    case "$1" in
        --cudaprune) [ $# -ge 2 ] || die "--cudaprune needs a command"; cmd=$2; shift 2 ;;
        --device) [ $# -ge 2 ] || die "--device needs a device"; cell_options+=(--device "$2"); shift 2 ;;
        # Absolute: a task's working folder is wherever sbatch ran, which may not be where the path points.
        --data) [ $# -ge 2 ] || die "--data needs a path"; cell_options+=(--data "$(realpath -m "$2")"); shift 2 ;;
        --dry-run) dry=1; shift ;;
        --) shift; sbatch_options=("$@"); break ;;
        *) die "unknown option '$1'" ;;
    esac
done

jobs="$out/jobs.tsv"
[ -f "$jobs" ] || die "$jobs not found: write it first with cudaprune compare ... --out $out --plan"
[ "$(head -n 1 "$jobs")" = $'stage\tindex\tcell\tname\texclusive' ] || die "$jobs: the header is not 'stage index cell name exclusive'"

if [ -z "$cmd" ]; then
    build="$here/../../src/CudaPrune.Cli/bin/Release/net10.0/cudaprune.dll"
    if command -v cudaprune >/dev/null 2>&1; then cmd=cudaprune
    elif [ -f "$build" ]; then cmd="dotnet $(printf '%q' "$(realpath "$build")")"
    else die "no cudaprune on PATH and no Release build at $build: give --cudaprune CMD"
    fi
fi

# "0,1,2,5,7,8" -> "0-2,5,7-8": Slurm's --array syntax.
ranges() {
    awk -F ',' '{
        out = ""; start = $1; prev = $1
        for (i = 2; i <= NF + 1; i++) {
            if (i <= NF && $i == prev + 1) { prev = $i; continue }
            out = out (out == "" ? "" : ",") (start == prev ? start : start "-" prev)
            start = $i; prev = $i
        }
        print out
    }'
}

submit() {
    if [ $dry -eq 1 ]; then
        printf '%q ' sbatch "$@" >&2; echo >&2
        echo $((1000 + ${#all[@]})) # a made-up id, for the dependencies printed
    else
        # --parsable prints "id" or "id;cluster".
        sbatch --parsable "$@" | cut -d ';' -f 1
    fi
}

mkdir -p "$out/slurm"
stages=$(awk -F '\t' 'NR > 1 { if ($1 + 1 > n) n = $1 + 1 } END { print n + 0 }' "$jobs")
[ "$stages" -gt 0 ] || die "$jobs lists no cells"
after="" all=()
for ((stage = 0; stage < stages; stage++)); do
    ids=()
    for exclusive in no yes; do
        list=$(awk -F '\t' -v s="$stage" -v x="$exclusive" 'NR > 1 && $1 == s && $5 == x { print $2 }' "$jobs" | sort -n | paste -sd ,)
        [ -n "$list" ] || continue
        count=$(tr ',' '\n' <<< "$list" | wc -l)
        name="cudaprune-s$stage" options=()
        [ "$exclusive" = yes ] && name+="-x" options+=(--exclusive)
        options+=(--job-name="$name" --array="$(ranges <<< "$list")" --output="$out/slurm/stage$stage-%a-%A.out")
        [ -n "$after" ] && options+=(--dependency="afterok:$after" --kill-on-invalid-dep=yes)
        id=$(submit "${options[@]}" "${sbatch_options[@]}" "$here/compare-cell.sbatch" "$out" "$stage" "$cmd" "${cell_options[@]}")
        [ -n "$id" ] || die "sbatch gave no job id for stage $stage"
        ids+=("$id") all+=("$id")
        echo "stage $stage: job $id, $count $([ "$exclusive" = yes ] && echo "exclusive ")cell(s)"
    done
    after=$(IFS=:; echo "${ids[*]}")
done

report=$(printf '%s compare --out %q --report' "$cmd" "$out")
id=$(submit --job-name=cudaprune-report --output="$out/slurm/report-%j.out" --dependency="afterok:$after" --kill-on-invalid-dep=yes \
    "${sbatch_options[@]}" --wrap "$report")
all+=("$id")
printf '%s\n' "${all[@]}" > "$out/slurm/job-ids"
echo "watch: squeue -j $(IFS=,; echo "${all[*]}")   cancel: scancel ${all[*]}   logs: $out/slurm/"
echo "report job $id"
