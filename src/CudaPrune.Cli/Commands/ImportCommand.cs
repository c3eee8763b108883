using System.CommandLine;
using System.Globalization;
using CudaPrune.Core.Models;
using CudaPrune.Interop;
using CudaPrune.Interop.Export;
using CudaPrune.Interop.Import;

namespace CudaPrune.Cli.Commands;

/// <summary><c>cudaprune import</c>: an ONNX CNN as our spec + safetensors checkpoint, ready for eval, prune and profile.</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var onnx = new Option<string>("--onnx") { Description = "The .onnx model (e.g. a CIFAR ResNet or VGG exported by torch.onnx.export, or by cudaprune export).", Required = true };
        var output = new Option<string>("--out") { Description = "The checkpoint to write (model.safetensors).", Required = true };
        var name = new Option<string?>("--name") { Description = "The model's name in its spec. Default: the graph's name for a model exported by cudaprune, else the file name." };
        var cmd = new Command("import", "Import an ONNX CNN (Conv, BatchNormalization, Relu, pooling, Add residual blocks, Flatten, Gemm) as a checkpoint. Unsupported operators are listed and nothing is written.")
        {
            onnx, output, name,
        };
        cmd.SetAction(r => CommandRunner.Run(() =>
        {
            string path = r.GetValue(onnx)!, outPath = r.GetValue(output)!;
            var model = OnnxFile.Read(path);
            string modelName = r.GetValue(name) ?? (model.ProducerName == OnnxExporter.ProducerName && model.Graph.Name.Length > 0
                ? model.Graph.Name : Path.GetFileNameWithoutExtension(path));
            var result = OnnxImporter.Import(model, modelName);
            foreach (var note in result.Notes) Console.WriteLine($"note: {note}");
            result.Model.SaveCheckpoint(outPath, new Dictionary<string, string>
            {
                ["source"] = "onnx",
                ["onnx.file"] = Path.GetFileName(path),
                ["onnx.producer"] = $"{model.ProducerName} {model.ProducerVersion}".Trim(),
            });
            var spec = result.Model.Spec;
            var stats = ModelStats.Compute(spec);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {outPath}: {spec.Name}, {spec.Layers.Count} layers, {stats.Params:N0} params, {stats.Flops / 1e6:F1} MFLOPs per image"));
            Console.WriteLine($"layers: {string.Join(", ", spec.Layers.Select(l => l.Name))}");
            return 0;
        }));
        return cmd;
    }
}
