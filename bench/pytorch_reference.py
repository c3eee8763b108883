#!/usr/bin/env python3
"""PyTorch/cuDNN reference timings for CudaPrune's kernel benchmarks.

Runs on the GPU machine (python3 with torch and a CUDA GPU; no internet needed) and writes JSON that
`cudaprune bench kernels --pytorch FILE` sets our kernels against, joined on the same shape keys.

Subcommands:
  conv-layers   time every distinct conv layer of resnet20 and vgg16 (batch 1 and 256) with cuDNN:
                forward, forward + bias + ReLU, backward data and backward weight; TF32 off and on;
                CUDA events around each run, median (p10, p90) of >= 30 runs after warm-up, warm and with
                L2 flushed. The shape keys are those of `cudaprune bench kernels` (n256_c16_h32_w32_oc16_k3_s1_p1).
  shapes        print the shape keys conv-layers would time (needs no torch, no GPU).
  models        our checkpoints as PyTorch models: logits checked against ours, eager and CUDA-graph timings
                at batch 1 and 256 (bench/pytorch_models.py; docs/INTEROP.md).

Each subcommand is one function (conv_layers, shapes) over small helpers (model_conv_layers, time_runs,
stats), so more cross-checks can be added beside them.

torch is imported only when a subcommand needs it, so --help and `shapes` work anywhere.
"""

import argparse
import datetime
import json
import sys

import pytorch_models  # beside this script: python puts the script's folder first on sys.path

# ------------------------------------------------------------------------------------------- shapes

RESNET_STAGES = (16, 32, 64)  # He et al. 2016's CIFAR ResNet: depth 6n+2, n blocks per stage
RESNET_BLOCKS = {"resnet20": 3, "resnet32": 5, "resnet56": 9}
VGG_CONFIGS = {  # channels of each 3x3 conv (pad 1), "M" a 2x2 max-pool, as in CudaPrune's ModelZoo
    "vgg11": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "vgg16": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
}


class Conv:
    """One conv layer: x[N,C,H,W], w[OC,C,K,K], stride S, padding P (square kernel, groups 1)."""

    def __init__(self, model, layer, n, c, h, w, oc, k, s, p):
        self.model, self.layer = model, layer
        self.n, self.c, self.h, self.w, self.oc, self.k, self.s, self.p = n, c, h, w, oc, k, s, p
        self.oh = (h + 2 * p - k) // s + 1
        self.ow = (w + 2 * p - k) // s + 1

    def geometry(self):
        return (self.n, self.c, self.h, self.w, self.oc, self.k, self.s, self.p)

    def key(self):
        """The shape key `cudaprune bench kernels` writes (KernelBenchPlan.ConvKey)."""
        return "n{}_c{}_h{}_w{}_oc{}_k{}_s{}_p{}".format(*self.geometry())

    def flops(self):
        return 2 * self.n * self.oc * self.oh * self.ow * self.c * self.k * self.k


def model_conv_layers(model, batch):
    """Every conv layer of a CIFAR-10 model (input 3x32x32) in forward order, as CudaPrune's ModelConvLayers lists them."""
    layers = []
    if model in RESNET_BLOCKS:
        size, channels = 32, 16
        layers.append(Conv(model, "conv1", batch, 3, size, size, 16, 3, 1, 1))
        for stage, width in enumerate(RESNET_STAGES):
            for block in range(RESNET_BLOCKS[model]):
                stride = 2 if stage > 0 and block == 0 else 1
                name = "layer{}.{}".format(stage + 1, block)
                out = (size + 2 - 3) // stride + 1
                layers.append(Conv(model, name + ".conv1", batch, channels, size, size, width, 3, stride, 1))
                layers.append(Conv(model, name + ".conv2", batch, width, out, out, width, 3, 1, 1))
                if stride != 1 or channels != width:
                    layers.append(Conv(model, name + ".shortcut.0", batch, channels, size, size, width, 1, stride, 0))
                size, channels = out, width
    elif model in VGG_CONFIGS:
        size, channels, index = 32, 3, 0
        for entry in VGG_CONFIGS[model]:
            if entry == "M":
                size //= 2
                index += 1
                continue
            layers.append(Conv(model, "features.{}".format(index), batch, channels, size, size, entry, 3, 1, 1))
            channels = entry
            index += 3  # conv, batch norm, ReLU
    else:
        raise SystemExit("unknown model {!r}: known are {}".format(model, ", ".join(sorted([*RESNET_BLOCKS, *VGG_CONFIGS]))))
    return layers


def distinct_layers(models, batches):
    """The distinct geometries over batches (outer) and models, each under its first layer: bench kernels' order."""
    seen, result = set(), []
    for batch in batches:
        for model in models:
            for conv in model_conv_layers(model, batch):
                if conv.geometry() not in seen:
                    seen.add(conv.geometry())
                    result.append(conv)
    return result


def shapes_from_results(path):
    """The conv shapes of a `cudaprune bench kernels` JSON (its results' shape keys), in its order."""
    with open(path) as f:
        report = json.load(f)
    result, seen = [], set()
    for r in report["results"]:
        if r["family"] != "conv" or r["shape_key"] in seen:
            continue
        seen.add(r["shape_key"])
        values = [int(part[len(prefix):]) for part, prefix in zip(r["shape_key"].split("_"), ("n", "c", "h", "w", "oc", "k", "s", "p"))]
        model, _, layer = r["source"].partition(" ")
        result.append(Conv(model, layer, *values))
    return result

# ------------------------------------------------------------------------------------------- timing


def stats(times_ms):
    """Median, p10, p90 (interpolated between neighbours, as KernelTimingStats does) and min."""
    ordered = sorted(times_ms)

    def percentile(q):
        at = q * (len(ordered) - 1)
        below = int(at)
        above = min(below + 1, len(ordered) - 1)
        return ordered[below] + (at - below) * (ordered[above] - ordered[below])

    return {"runs": len(ordered), "median_ms": percentile(0.5), "p10_ms": percentile(0.1),
            "p90_ms": percentile(0.9), "min_ms": ordered[0]}


class Timer:
    """CUDA-event timing of one callable, warm (back to back) or with L2 flushed by a memset before each run.

    All runs are queued behind torch.cuda._sleep, which keeps the GPU busy while Python queues them, so no
    run waits for the host and each event pair brackets GPU time only (as in `bench kernels`).
    """

    QUEUE_US_PER_RUN = 100  # Python's launch overhead, generously

    def __init__(self, torch):
        self.torch = torch
        l2 = getattr(torch.cuda.get_device_properties(0), "L2_cache_size", 50 << 20) or (50 << 20)
        self.flush = torch.empty(2 * l2 // 4, dtype=torch.float32, device="cuda")
        self.cycles_per_us = self._calibrate_sleep()

    def _calibrate_sleep(self):
        torch = self.torch
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        torch.cuda._sleep(1000)  # load the kernel
        start.record()
        torch.cuda._sleep(10_000_000)
        end.record()
        torch.cuda.synchronize()
        return 10_000_000 / (start.elapsed_time(end) * 1000)

    def time(self, fn, runs, flush):
        torch = self.torch
        starts = [torch.cuda.Event(enable_timing=True) for _ in range(runs)]
        ends = [torch.cuda.Event(enable_timing=True) for _ in range(runs)]
        torch.cuda._sleep(int((2000 + runs * self.QUEUE_US_PER_RUN) * self.cycles_per_us))
        for i in range(runs):
            if flush:
                self.flush.zero_()
            starts[i].record()
            fn()
            ends[i].record()
        torch.cuda.synchronize()
        return [s.elapsed_time(e) for s, e in zip(starts, ends)]


def conv_ops(torch, conv):
    """The four ops of `bench kernels` on fresh random tensors: name -> callable queuing one run."""
    F = torch.nn.functional
    x = torch.randn(conv.n, conv.c, conv.h, conv.w, device="cuda")
    w = torch.randn(conv.oc, conv.c, conv.k, conv.k, device="cuda")
    b = torch.randn(conv.oc, device="cuda")
    dy = torch.randn(conv.n, conv.oc, conv.oh, conv.ow, device="cuda")
    stride, padding = (conv.s, conv.s), (conv.p, conv.p)

    def backward(mask):
        # cuDNN's backward-data (mask input) or backward-filter (mask weight) alone.
        return lambda: torch.ops.aten.convolution_backward(
            dy, x, w, None, stride, padding, (1, 1), False, (0, 0), 1, mask)

    ops = {
        "conv2d_forward": lambda: F.conv2d(x, w, None, stride, padding),
        # Eager PyTorch: a conv with bias, then a ReLU kernel (our fused kernel does both at once).
        "conv2d_bias_relu_forward": lambda: F.relu(F.conv2d(x, w, b, stride, padding)),
        "conv2d_backward_weight": backward([False, True, False]),
    }
    if conv.c > 3:  # as in bench kernels: a network's first conv needs no input gradient
        ops["conv2d_backward_data"] = backward([True, False, False])
    return ops

# ------------------------------------------------------------------------------------------- subcommands


def conv_layers(args):
    """Times every op of every layer with TF32 off and on; writes the JSON."""
    import torch

    if not torch.cuda.is_available():
        raise SystemExit("conv-layers needs a CUDA GPU: torch.cuda.is_available() is False")
    if args.runs < 30 and not args.quick:
        raise SystemExit("--runs {}: medians need at least 30 runs (or --quick)".format(args.runs))
    torch.backends.cudnn.benchmark = not args.no_cudnn_benchmark
    layers = shapes_from_results(args.shapes_from) if args.shapes_from else distinct_layers(args.models, args.batches)
    timer = Timer(torch)
    results = []
    for tf32 in (False, True):
        torch.backends.cudnn.allow_tf32 = tf32
        torch.backends.cuda.matmul.allow_tf32 = tf32
        for conv in layers:
            with torch.no_grad():
                for op, fn in conv_ops(torch, conv).items():
                    for _ in range(args.warmup):  # with cudnn.benchmark, the first run also picks the algorithm
                        fn()
                    torch.cuda.synchronize()
                    warm = stats(timer.time(fn, args.runs, flush=False))
                    flushed = stats(timer.time(fn, args.runs, flush=True))
                    results.append({
                        "model": conv.model, "layer": conv.layer, "batch": conv.n, "shape_key": conv.key(),
                        "op": op, "tf32": tf32, "flops": conv.flops(), "warm": warm, "flushed": flushed,
                        "tflops_per_second": conv.flops() / (warm["median_ms"] * 1e-3) / 1e12,
                    })
                    print("tf32={:<5} {:<26} {:<24} {:<36} {:9.1f} us".format(
                        str(tf32), op, conv.model + " " + conv.layer, conv.key(), warm["median_ms"] * 1e3), flush=True)
                torch.cuda.empty_cache()
    report = {
        "tool": "bench/pytorch_reference.py conv-layers",
        "device": torch.cuda.get_device_name(0),
        "torch": torch.__version__, "cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command_line": " ".join(sys.argv),
        "runs": args.runs, "warmup_runs": args.warmup, "cudnn_benchmark": not args.no_cudnn_benchmark,
        "flush_bytes": timer.flush.numel() * 4,
        "note": "warm = back to back; flushed = a memset of twice the L2 before each run; "
                "conv2d_bias_relu_forward is eager PyTorch (conv with bias, then ReLU: two kernels)",
        "results": results,
    }
    with open(args.out, "w") as f:
        json.dump(report, f, indent=2)
    print("wrote {} ({} results)".format(args.out, len(results)))


def shapes(args):
    """Prints the shape keys conv-layers would time, one per line with its model and layer."""
    layers = shapes_from_results(args.shapes_from) if args.shapes_from else distinct_layers(args.models, args.batches)
    for conv in layers:
        print("{:<40} {} {}".format(conv.key(), conv.model, conv.layer))


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="pytorch_reference.py",
        description=__doc__.split("\n\n")[0],
        epilog="Example (on the GPU machine): python3 bench/pytorch_reference.py conv-layers --out bench/results/cudnn-h100.json; "
               "then: cudaprune bench kernels --pytorch bench/results/cudnn-h100.json",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    def shape_options(p):
        p.add_argument("--models", type=lambda s: s.split(","), default=["resnet20", "vgg16"],
                       help="comma-separated models (default resnet20,vgg16)")
        p.add_argument("--batches", type=lambda s: [int(b) for b in s.split(",")], default=[1, 256],
                       help="comma-separated batch sizes (default 1,256)")
        p.add_argument("--shapes-from", metavar="FILE",
                       help="take the conv shapes from a `cudaprune bench kernels` JSON instead (exactly its keys)")

    timed = commands.add_parser("conv-layers", help="time the conv layer shapes with cuDNN (TF32 off and on) and write JSON",
                                description=__doc__.split("Subcommands:")[1].split("shapes ")[0].strip())
    shape_options(timed)
    timed.add_argument("--out", default="cudnn-conv-layers.json", help="the JSON to write (default cudnn-conv-layers.json)")
    timed.add_argument("--runs", type=int, default=30, help="timed runs per op and mode (default 30, at least 30)")
    timed.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    timed.add_argument("--quick", action="store_true", help="allow fewer than 30 runs (a smoke run)")
    timed.add_argument("--no-cudnn-benchmark", action="store_true",
                       help="use cuDNN's heuristics instead of timing its algorithms (torch.backends.cudnn.benchmark)")
    timed.set_defaults(run=conv_layers)

    listed = commands.add_parser("shapes", help="print the shape keys conv-layers would time (no torch needed)")
    shape_options(listed)
    listed.set_defaults(run=shapes)

    pytorch_models.add_parser(commands)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    args.run(args)


if __name__ == "__main__":
    main()
