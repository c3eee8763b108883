#!/usr/bin/env bash
# The whole GPU session as one script (../shared/DEVICE.md): unpack the self-contained build, check every
# kernel, then measure, slowest step last so a timeout loses the least. Every report goes to $OUT/r and is
# packed into $OUT/results.tar.gz at each step's end (what comes back even if the call is cut short).
#
#   on the device:  bash bench/device-run.sh                       (carry: [".device"], timeout_s ~540)
#   dry run here:   DEVICE=emulated QUICK=1 OUT=/tmp/devrun bash bench/device-run.sh
#
# Environment: DEVICE (cuda), QUICK (1 = tiny sizes, for the dry run), EPOCHS (resnet20 training epochs, 3),
# COMPARE_EPOCHS / COMPARE_FT (the compare run's baseline and fine-tuning epochs, 10 / 3, on the gpu preset).
set -u -o pipefail
export PYTHONUNBUFFERED=1
cd "$(dirname "$0")/.."
DEVICE=${DEVICE:-cuda}
QUICK=${QUICK:-0}
EPOCHS=${EPOCHS:-3}
OUT=${OUT:?OUT must name the folder whose files come back}
R="$OUT/r"
mkdir -p "$R"
exec > >(tee -a "$R/device-run.log") 2>&1

pack() { tar -czf "$OUT/results.tar.gz" -C "$OUT" r; }
step() { echo; echo "=== $(date -u +%H:%M:%S) $*"; }
run() { step "$*"; "$@"; local rc=$?; echo "--- rc=$rc"; pack; return $rc; }

step "unpack"
work=/tmp/cudaprune-device
rm -rf "$work" && mkdir -p "$work/data"
tar -xzf .device/cudaprune-linux-x64.tar.gz -C "$work"
ln -sf "$PWD/.device/cifar10-jpeg.tar.gz" "$work/data/cifar10-jpeg.tar.gz"
export CIFAR10_DIR="$work/data"
CP="$work/cudaprune-linux-x64/cudaprune"
git_commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
{ date -u; echo "commit $git_commit"; uname -a; nvidia-smi 2>/dev/null || echo "no nvidia-smi"; } > "$R/environment.txt"
cat "$R/environment.txt"

run "$CP" info --smoke | tee "$R/info.txt"
if ! run "$CP" verify --device "$DEVICE" $([ "$QUICK" = 1 ] && echo --quick) > "$R/verify.txt"; then
    tail -n 40 "$R/verify.txt"
    echo "verify FAILED: nothing after it is worth timing"; pack; exit 1
fi
tail -n 3 "$R/verify.txt"
# The launch plan of resnet20's convolutions on this device (tile, split-K, blocks, useful MACs): the context
# for every per-kernel time below.
run "$CP" plan --model resnet20 --batch 1,256 --gpu $([ "$DEVICE" = cuda ] && echo device || echo h100) \
    --json "$R/plan-resnet20.json" > "$R/plan-resnet20.txt"

if [ "$QUICK" = 1 ]; then
    run "$CP" bench kernels --device "$DEVICE" --quick --out "$R/"
    run "$CP" train --model resnet20 --epochs 1 --train-subset 256 --test-subset 128 --device "$DEVICE" --out "$R/resnet20"
else
    run python3 bench/pytorch_reference.py conv-layers --out "$R/cudnn.json"
    run "$CP" bench kernels --device "$DEVICE" --pytorch "$R/cudnn.json" --out "$R/"
    run "$CP" train --model resnet20 --epochs "$EPOCHS" --device "$DEVICE" --out "$R/resnet20"
fi
ckpt="$R/resnet20/model.safetensors"
run "$CP" export --checkpoint "$ckpt" --format logits --random --count 64 --device "$DEVICE" --out "$R/resnet20-logits.safetensors"
if [ "$QUICK" != 1 ]; then
    run python3 bench/pytorch_reference.py models --device cuda --checkpoint "$ckpt" --logits "$R/resnet20-logits.safetensors" --out "$R/pytorch-models.json"
fi
run "$CP" profile --checkpoint "$ckpt" --batch $([ "$QUICK" = 1 ] && echo 1,4 || echo 1,256) --graph --device "$DEVICE" \
    $([ "$QUICK" = 1 ] && echo "--runs 3 --warmup 1" || echo --flush-l2) --json "$R/profile.json" --csv "$R/profile.csv" > "$R/profile.txt"
tail -n 30 "$R/profile.txt"

# Slowest last: the experiment on the full data, starting from the checkpoint trained above.
if [ "$QUICK" = 1 ]; then
    # The dry run: one seed, no iso-latency search or controls, so the emulator gets through it in minutes.
    run "$CP" compare --quick --baseline "$ckpt" --train-subset 256 --test-subset 128 --finetune-epochs 1 --seeds 1 --no-iso-latency \
        --controls none --device "$DEVICE" --out "$R/compare"
else
    # The gpu preset (2 seeds, iso-latency, controls at the last budget, batch 1 to 1024), with the epochs the call's time allows.
    run "$CP" compare --preset gpu --model resnet20 --epochs "${COMPARE_EPOCHS:-10}" --finetune-epochs "${COMPARE_FT:-3}" --device "$DEVICE" --out "$R/compare"
fi
rm -rf "$R/compare/models"   # the checkpoints are large; the report, results, plots and cells' cell.json are what we keep
find "$R/compare/cells" -name "*.safetensors" -delete 2>/dev/null || true
pack
step "done"; ls -la "$R"
