using System.CommandLine;
using System.Globalization;
using CudaPrune.Cli.Options;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Data;
using CudaPrune.Core.Models;
using CudaPrune.Interop;
using CudaPrune.Interop.Export;
using CudaPrune.Interop.Reference;

namespace CudaPrune.Cli.Commands;

/// <summary>
/// <c>cudaprune export</c>: a checkpoint as an ONNX model (<c>--format onnx</c>), or our logits on a batch
/// of images for another engine to check against (<c>--format logits</c>, read by bench/pytorch_reference.py models).
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A model.safetensors written by train, prune, finetune or import (baseline or pruned).", Required = true };
        var output = new Option<string>("--out") { Description = "The file to write (model.onnx, or logits.safetensors with --format logits).", Required = true };
        var format = new Option<string>("--format") { Description = "onnx: the model as a standard ONNX file. logits: images and our logits on them, as safetensors.", DefaultValueFactory = _ => "onnx" };
        format.AcceptOnlyFromAmong("onnx", "logits");
        var foldBn = new Option<bool>("--fold-bn") { Description = "onnx: fold each batch norm into the convolution before it (fewer nodes; same results to float rounding)." };
        var opset = new Option<int>("--opset") { Description = $"onnx: the ai.onnx opset, {OnnxExportOptions.MinOpset}..{OnnxExportOptions.MaxOpset}.", DefaultValueFactory = _ => OnnxExportOptions.MinOpset };
        var count = new Option<int>("--count") { Description = "logits: how many images (the first of the CIFAR-10 test split, or random ones with --random).", DefaultValueFactory = _ => 256 };
        var random = new Option<bool>("--random") { Description = "logits: seeded random pixels instead of CIFAR-10 test images (no data set needed)." };
        var seed = new Option<int>("--seed") { Description = "logits: seed of the --random images.", DefaultValueFactory = _ => 1 };
        var device = DeviceOption.Create("cpu");
        device.Description = "logits: where our model computes. " + device.Description;
        var allowNonFinite = NonFiniteOption.Create();
        var data = new DataOptions();
        var cmd = new Command("export", "Export a checkpoint as an ONNX model, or our logits on a batch of images (for the PyTorch cross-check).")
        {
            checkpoint, output, format, foldBn, opset, count, random, seed, device, allowNonFinite,
        };
        data.AddTo(cmd, withSubset: false);
        cmd.SetAction(r => CommandRunner.Run(() =>
        {
            string path = r.GetValue(checkpoint)!, outPath = r.GetValue(output)!;
            bool allow = r.GetValue(allowNonFinite);
            if (r.GetValue(format) == "onnx") ExportOnnx(path, outPath, allow, new OnnxExportOptions { FoldBatchNorm = r.GetValue(foldBn), Opset = r.GetValue(opset) });
            else ExportLogits(path, outPath, allow, r.GetValue(count), r.GetValue(random) ? r.GetValue(seed) : null, r.GetValue(data.Data), r.GetValue(device)!);
            return 0;
        }));
        return cmd;
    }

    private static void ExportOnnx(string checkpoint, string outPath, bool allowNonFinite, OnnxExportOptions options)
    {
        options.Validate();
        var weights = NonFiniteOption.Guard(() => ModelWeights.FromCheckpoint(checkpoint, NonFiniteOption.Acceptor(allowNonFinite)));
        var model = OnnxExporter.Export(weights, options);
        OnnxFile.Write(model, outPath);
        var stats = ModelStats.Compute(weights.Spec);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {outPath}: {weights.Spec.Name}, {stats.Params:N0} params, {model.Graph.Node.Count} nodes, opset {options.Opset}, batch norms {(options.FoldBatchNorm ? "folded into the convolutions" : "kept")}"));
        Console.WriteLine($"input '{OnnxExporter.InputName}' [N,{weights.Spec.InputChannels},{weights.Spec.InputHeight},{weights.Spec.InputWidth}]: RGB in [0,1], then (x - mean) / std with mean {string.Join(",", Cifar10.Mean)}, std {string.Join(",", Cifar10.Std)}; output '{OnnxExporter.OutputName}' [N,{weights.Spec.NumClasses}]");
    }

    private static void ExportLogits(string checkpoint, string outPath, bool allowNonFinite, int count, int? randomSeed, string? dataPath, string deviceName)
    {
        if (count < 1) throw new ArgumentException($"--count must be at least 1, got {count}");
        var spec = Checkpoint.ReadSpec(checkpoint); // fails early, before the data is read, on a bad file
        if (spec.InputShape != FeatureShape.Map(Cifar10.Channels, Cifar10.Height, Cifar10.Width))
            throw new ArgumentException($"model '{spec.Name}' takes {spec.InputShape} inputs; --format logits feeds CIFAR-10 images [3,32,32]");
        float[] images;
        string source;
        if (randomSeed is int s)
        {
            images = ReferenceImages.Random(count, s);
            source = $"random pixels, seed {s}";
        }
        else
        {
            var test = DataOptions.Read(DataOptions.Locate(dataPath), CifarSplit.Test);
            images = ReferenceImages.FromDataset(test, count);
            source = $"CIFAR-10 test images 0..{count - 1}";
        }
        using var backend = DeviceOption.Open(deviceName);
        using var model = NonFiniteOption.Load(checkpoint, backend, allowNonFinite);
        var logits = ReferenceLogits.Compute(model, images);
        ReferenceLogits.Save(outPath, spec, images, logits, new Dictionary<string, string>
        {
            ["model"] = spec.Name,
            ["checkpoint"] = Path.GetFileName(checkpoint),
            ["device"] = backend.Name,
            ["images"] = source,
            ["images.normalization"] = "(pixel / 255 - mean[c]) / std[c], RGB, NCHW",
        });
        Console.WriteLine($"wrote {outPath}: {count} images ({source}) and {spec.Name}'s logits [{count},{spec.NumClasses}] on {backend.Name}");
    }
}
