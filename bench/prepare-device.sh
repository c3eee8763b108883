#!/usr/bin/env bash
# Prepares a GPU session (../shared/DEVICE.md), on this machine, spending no device time:
# a self-contained build of the CLI and the CIFAR-10 archive, both into the ignored folder .device/,
# which the device call carries (carry: [".device"]; ~47 MB of the 64 MiB limit: 28 MB CLI with ONNX Runtime, 19 MB data).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet pwsh build.ps1 publish
mkdir -p .device
cp artifacts/cudaprune-linux-x64.tar.gz .device/
data=${CIFAR10_ARCHIVE:-../shared/data/cifar10-jpeg.tar.gz}
[ -f "$data" ] || { echo "no CIFAR-10 archive at $data (set CIFAR10_ARCHIVE)" >&2; exit 1; }
cp "$data" .device/cifar10-jpeg.tar.gz
du -sh .device/*
echo "ready: run 'bash bench/device-run.sh' on the device with carry [\".device\"]; dry-run here with DEVICE=emulated QUICK=1 OUT=/tmp/devrun bash bench/device-run.sh"
