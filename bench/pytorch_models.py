"""`models` subcommand of bench/pytorch_reference.py: our checkpoints as PyTorch models.

For each CudaPrune checkpoint (model.safetensors, baseline or pruned), this builds the equivalent
PyTorch model from the spec JSON in the file's metadata ("cudaprune.spec"), with the same module
paths, so the file loads as a plain state_dict. Then it

  1. checks that PyTorch's logits match ours on the same images: give the file written by
     `cudaprune export --checkpoint M --format logits --out L` (it holds the normalised images and
     our logits on them);
  2. times the model in inference (eval, no grad, float32) eagerly and as a replayed CUDA graph, at
     batch 1 and 256, with TF32 off (our kernels' arithmetic) and on (PyTorch's default for cuDNN
     convolutions): the yardstick our own `bench` numbers are set against.

Needs only torch (numpy is not used): the safetensors reader is a few lines below. torch is imported
when the subcommand runs, so pytorch_reference.py --help works without it.
"""

import argparse
import datetime
import functools
import json
import platform
import shutil
import statistics
import struct
import subprocess
import time

SPEC_KEY = "cudaprune.spec"
BN_EPS = 1e-5  # BatchNorm2d.DefaultEps: every batch norm of ours uses it


# ----------------------------------------------------------------------------- safetensors

def read_safetensors(path):
    """(tensors by name, metadata dict) of a safetensors file whose tensors are all F32."""
    torch = torch_modules()[0]
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor '{name}' is {info['dtype']}; only F32 is supported")
        begin, end = info["data_offsets"]
        values = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32) if end > begin else torch.empty(0)
        tensors[name] = values.reshape(info["shape"])
    return tensors, metadata


# ----------------------------------------------------------------------------- models

@functools.lru_cache(maxsize=None)
def torch_modules():
    """torch, nn and our two module types that PyTorch lacks, imported on first use."""
    import torch
    from torch import nn

    class BasicBlock(nn.Module):
        """relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)); shortcut = identity or conv1x1 + BN ("shortcut.0/1")."""

        def __init__(self, in_channels, mid_channels, out_channels, stride, projection):
            super().__init__()
            self.conv1 = nn.Conv2d(in_channels, mid_channels, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(mid_channels, eps=BN_EPS)
            self.conv2 = nn.Conv2d(mid_channels, out_channels, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(out_channels, eps=BN_EPS)
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride, 0, bias=False),
                nn.BatchNorm2d(out_channels, eps=BN_EPS)) if projection else nn.Identity()

        def forward(self, x):
            y = torch.relu(self.bn1(self.conv1(x)))
            y = self.bn2(self.conv2(y))
            return torch.relu(y + self.shortcut(x))

    class GlobalAvgPool(nn.Module):
        """Mean over each channel's plane: [N,C,H,W] -> [N,C] (ours outputs a flat vector)."""

        def forward(self, x):
            return x.mean(dim=(2, 3))

    return torch, nn, BasicBlock, GlobalAvgPool


def make_layer(layer):
    _, nn, BasicBlock, GlobalAvgPool = torch_modules()
    kind = layer["type"]
    if kind == "conv":
        return nn.Conv2d(layer["inChannels"], layer["outChannels"], layer["kernel"], layer["stride"], layer["padding"], bias=layer["bias"])
    if kind == "batchnorm":
        return nn.BatchNorm2d(layer["channels"], eps=BN_EPS)
    if kind == "relu":
        return nn.ReLU()
    if kind == "maxpool":
        return nn.MaxPool2d(layer["kernel"], layer["stride"], layer["padding"])
    if kind == "avgpool":
        return nn.AvgPool2d(layer["kernel"], layer["stride"], layer["padding"], count_include_pad=True)
    if kind == "globalavgpool":
        return GlobalAvgPool()
    if kind == "flatten":
        return nn.Flatten(1)
    if kind == "linear":
        return nn.Linear(layer["inFeatures"], layer["outFeatures"], bias=layer["bias"])
    if kind == "basicblock":
        return BasicBlock(layer["inChannels"], layer["midChannels"], layer["outChannels"], layer["stride"], layer["shortcut"] == "projection")
    raise SystemExit(f"layer '{layer['name']}': unknown layer type '{kind}'")


def build_model(spec):
    """The spec's layers in order; a dotted name ("features.3") nests the layer in Sequential containers, as ours does."""
    _, nn, _, _ = torch_modules()
    root = nn.Sequential()
    for layer in spec["layers"]:
        *containers, leaf = layer["name"].split(".")
        parent = root
        for part in containers:
            if part not in parent._modules:
                parent.add_module(part, nn.Sequential())
            parent = parent._modules[part]
        parent.add_module(leaf, make_layer(layer))
    return root


def load_checkpoint(path, device):
    tensors, metadata = read_safetensors(path)
    if SPEC_KEY not in metadata:
        raise SystemExit(f"{path}: no '{SPEC_KEY}' in the metadata: not a CudaPrune checkpoint")
    spec = json.loads(metadata[SPEC_KEY])
    model = build_model(spec)
    result = model.load_state_dict(tensors, strict=False)
    missing = [k for k in result.missing_keys if not k.endswith("num_batches_tracked")]
    if missing or result.unexpected_keys:
        raise SystemExit(f"{path}: the PyTorch model built from the spec does not fit the tensors: "
                         f"missing {missing}, unexpected {result.unexpected_keys}")
    return spec, model.to(device).eval()


# ----------------------------------------------------------------------------- check and timing

def set_tf32(enabled):
    torch = torch_modules()[0]
    torch.backends.cuda.matmul.allow_tf32 = enabled
    torch.backends.cudnn.allow_tf32 = enabled


def check_logits(model, logits_path, device, tolerance):
    """max |torch - ours| / max |ours| over the logits file's images (TF32 off: float32 like ours)."""
    torch = torch_modules()[0]
    tensors, metadata = read_safetensors(logits_path)
    images, ours = tensors["images"], tensors["logits"]
    set_tf32(False)
    with torch.no_grad():
        theirs = torch.cat([model(images[i:i + 256].to(device)).float().cpu() for i in range(0, images.shape[0], 256)])
    if theirs.shape != ours.shape:
        raise SystemExit(f"{logits_path}: our logits are {list(ours.shape)}, PyTorch's {list(theirs.shape)}")
    error = ((theirs - ours).abs().max() / ours.abs().max().clamp_min(1e-30)).item()
    agree = (theirs.argmax(1) == ours.argmax(1)).float().mean().item()
    return {"images": images.shape[0], "source": metadata.get("images", "?"), "our_device": metadata.get("device", "?"),
            "relative_error": error, "top1_agreement": agree, "ok": error < tolerance}


def time_eager(model, x, warmup, repeats):
    """Median milliseconds of one forward (CUDA events around each; wall clock on the CPU)."""
    torch = torch_modules()[0]
    with torch.no_grad():
        for _ in range(warmup):
            model(x)
        times = []
        for _ in range(repeats):
            if x.is_cuda:
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                model(x)
                end.record()
                end.synchronize()
                times.append(start.elapsed_time(end))
            else:
                t0 = time.perf_counter()
                model(x)
                times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def time_graph(model, x, warmup, repeats):
    """Median milliseconds of one replay of a CUDA graph captured around the forward (launch overhead gone)."""
    torch = torch_modules()[0]
    static_x = x.clone()
    with torch.no_grad():
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):  # warm up (cuDNN algorithm choice, allocations) before capture
                model(static_x)
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            model(static_x)
        for _ in range(warmup):
            graph.replay()
        times = []
        for _ in range(repeats):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            graph.replay()
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end))
    return statistics.median(times)


def environment(device):
    torch = torch_modules()[0]
    env = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "host": platform.node(),
           "torch": torch.__version__, "device": str(device)}
    if device.type == "cuda":
        env.update(gpu=torch.cuda.get_device_name(device), cuda=torch.version.cuda, cudnn=torch.backends.cudnn.version())
        if shutil.which("nvidia-smi"):
            query = "driver_version,clocks.sm,clocks.mem,clocks.max.sm,power.limit"
            out = subprocess.run(["nvidia-smi", f"--query-gpu={query}", "--format=csv,noheader", f"--id={device.index or 0}"],
                                 capture_output=True, text=True).stdout.strip()
            env["nvidia_smi"] = dict(zip(query.split(","), [v.strip() for v in out.split(",")]))
    else:
        env["threads"] = torch.get_num_threads()
    return env


# ----------------------------------------------------------------------------- command

def run(args):
    torch = torch_modules()[0]
    device = torch.device(args.device if args.device != "auto" else ("cuda" if torch.cuda.is_available() else "cpu"))
    torch.backends.cudnn.benchmark = True
    logits_files = args.logits or []
    if logits_files and len(logits_files) != len(args.checkpoint):
        raise SystemExit(f"--logits needs one file per --checkpoint: {len(args.checkpoint)} checkpoints, {len(logits_files)} logits files")
    env = environment(device)
    print(f"# PyTorch reference: {env}")
    report = {"environment": env, "models": []}
    failed = False
    for i, path in enumerate(args.checkpoint):
        spec, model = load_checkpoint(path, device)
        params = sum(p.numel() for p in model.parameters())
        entry = {"checkpoint": path, "model": spec["name"], "params": params, "timings": []}
        print(f"\n## {spec['name']} ({path}): {params:,} params")
        if logits_files:
            check = check_logits(model, logits_files[i], device, args.tolerance)
            entry["check"] = check
            failed |= not check["ok"]
            print(f"logits vs ours ({check['images']} images, {check['source']}, ours on {check['our_device']}): "
                  f"max relative error {check['relative_error']:.2e} ({'OK' if check['ok'] else 'MISMATCH'}, tolerance {args.tolerance:g}), "
                  f"top-1 agreement {check['top1_agreement']:.2%}")
        if not args.no_timing:
            print(f"{'batch':>6} {'mode':>6} {'tf32':>5} {'ms':>10} {'images/s':>12}")
            for batch in args.batch:
                x = torch.randn(batch, spec["inputChannels"], spec["inputHeight"], spec["inputWidth"], device=device)
                modes = ["eager", "graph"] if device.type == "cuda" else ["eager"]
                for tf32 in ([False, True] if device.type == "cuda" else [False]):
                    set_tf32(tf32)
                    for mode in modes:
                        ms = (time_graph if mode == "graph" else time_eager)(model, x, args.warmup, args.repeats)
                        row = {"batch": batch, "mode": mode, "tf32": tf32, "median_ms": ms, "images_per_s": batch / ms * 1e3}
                        entry["timings"].append(row)
                        print(f"{batch:>6} {mode:>6} {'on' if tf32 else 'off':>5} {ms:>10.3f} {row['images_per_s']:>12.0f}")
        report["models"].append(entry)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(report, f, indent=2)
        print(f"\nwrote {args.out}")
    if failed:
        raise SystemExit("logits mismatch: see the check lines above")


def add_parser(subparsers):
    p = subparsers.add_parser("models", help="our checkpoints in PyTorch: logits cross-check, eager and CUDA-graph timings",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", nargs="+", required=True, help="CudaPrune checkpoints (model.safetensors with the spec in its metadata)")
    p.add_argument("--logits", nargs="+", help="one file per checkpoint from `cudaprune export --format logits`: images and our logits to check against")
    p.add_argument("--device", default="auto", help="cuda, cuda:N, cpu, or auto (default)")
    p.add_argument("--batch", type=int, nargs="+", default=[1, 256], help="batch sizes to time (default 1 256)")
    p.add_argument("--warmup", type=int, default=10, help="untimed forwards before timing (default 10)")
    p.add_argument("--repeats", type=int, default=50, help="timed forwards; the median is reported (default 50)")
    p.add_argument("--tolerance", type=float, default=1e-4, help="largest max|torch - ours| / max|ours| that passes (default 1e-4)")
    p.add_argument("--no-timing", action="store_true", help="only the logits check")
    p.add_argument("--out", help="write the results as JSON (e.g. bench/results/pytorch-models-h100.json)")
    p.set_defaults(run=run)
    return p


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="CudaPrune's PyTorch reference (models subcommand only)")
    add_parser(parser.add_subparsers(dest="command", required=True))
    arguments = parser.parse_args()
    arguments.run(arguments)
