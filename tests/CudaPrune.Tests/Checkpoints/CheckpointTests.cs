using System.Runtime.InteropServices;
using System.Text;
using CudaPrune.Core.Autograd;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;
using CudaPrune.Tests.Nn;

namespace CudaPrune.Tests.Checkpoints;

public class CheckpointTests
{
    private CpuBackend _cpu = null!;
    private TempFolder _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _cpu = new CpuBackend();
        _dir = new TempFolder();
    }

    [TearDown]
    public void TearDown()
    {
        _dir.Dispose();
        _cpu.Dispose();
    }

    private Tensor Images(int n) =>
        _cpu.FromArray(Enumerable.Range(0, n * 3 * 32 * 32).Select(i => MathF.Sin(i * 0.013f)).ToArray(), [n, 3, 32, 32]);

    [Test]
    public void ACheckpointRoundTripsBitExactly()
    {
        string path = _dir.File("resnet20.safetensors");
        using var model = ModelBuilder.Build(ModelZoo.Create("resnet20"), _cpu, seed: 11);
        using (DisposeScope.Begin()) model.Forward(Images(4)); // training-mode forward: running statistics move off their initial values
        Checkpoint.Save(model, path, new Dictionary<string, string> { ["epochs"] = "3", ["test_accuracy"] = "0.91" });

        using var loaded = Checkpoint.Load(path, _cpu);
        Assert.That(loaded.Spec, Is.EqualTo(model.Spec));
        var expected = model.StateDict();
        Assert.That(loaded.StateDict().Keys, Is.EqualTo(expected.Keys));
        foreach (var (name, t) in loaded.StateDict())
        {
            Assert.That(t.Shape, Is.EqualTo(expected[name].Shape), name);
            Assert.That(BitExact.Same(t, expected[name]), Is.True, name);
        }
        Assert.That(loaded.StateDict()["bn1.running_mean"].ToArray(), Is.Not.All.EqualTo(0f), "the buffers were saved after they moved");

        var metadata = Checkpoint.ReadMetadata(path);
        Assert.That(metadata["epochs"], Is.EqualTo("3"));
        Assert.That(metadata[Checkpoint.FormatVersionKey], Is.EqualTo("1"));
        Assert.That(Checkpoint.ReadSpec(path), Is.EqualTo(model.Spec));

        model.Eval();
        loaded.Eval();
        using var scope = DisposeScope.Begin();
        using var _ = GradMode.NoGrad();
        var x = Images(2);
        Assert.That(loaded.Forward(x).ToArray(), Is.EqualTo(model.Forward(x).ToArray()));
    }

    [Test]
    public void APrunedModelReloadsWithItsOwnShapes()
    {
        var spec = ModelZoo.Create("resnet20");
        var block = (BasicBlockSpec)spec.Layer("layer2.1");
        var pruned = spec.ReplaceLayer("layer2.1", block with { MidChannels = 12 });
        string path = _dir.File("pruned.safetensors");
        using (var model = ModelBuilder.Build(pruned, _cpu, seed: 1)) Checkpoint.Save(model, path);
        using var loaded = Checkpoint.Load(path, _cpu);
        Assert.That(loaded.StateDict()["layer2.1.conv1.weight"].Shape, Is.EqualTo(new[] { 12, 32, 3, 3 }));
        Assert.That(loaded.StateDict()["layer2.1.conv2.weight"].Shape, Is.EqualTo(new[] { 32, 12, 3, 3 }));
        Assert.That(loaded.Spec, Is.EqualTo(pruned));
    }

    [Test]
    public void TheWeightsAreFloat32UnderTheirStateDictNames()
    {
        string path = _dir.File("resnet20.safetensors");
        using (var model = ModelBuilder.Build(ModelZoo.Create("resnet20"), _cpu, seed: 1)) Checkpoint.Save(model, path);
        using var reader = SafeTensorsReader.Open(path);
        Assert.That(reader.Tensors.Select(t => t.Name), Is.EquivalentTo(ModelZoo.Create("resnet20").StateTensors().Select(t => t.Name)));
        Assert.That(reader.Tensors.Select(t => t.DType).Distinct(), Is.EqualTo(new[] { "F32" }));
        Assert.That(reader.Get("layer2.0.shortcut.0.weight").Shape, Is.EqualTo(new[] { 32, 16, 1, 1 }));
        Assert.That(_dir.Files(), Is.EqualTo(new[] { "resnet20.safetensors" }), "no temporary file left");
    }

    [Test]
    public void ReservedMetadataKeysAreRefused()
    {
        using var model = ModelBuilder.Build(ModelZoo.Create("simplecnn"), _cpu, seed: 1);
        string path = _dir.File("m.safetensors");
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(model, path, new Dictionary<string, string> { [Checkpoint.SpecKey] = "{}" }));
        Assert.That(_dir.Files(), Is.Empty);
    }

    // ---------------------------------------------------------------- bad input

    /// <summary>A tiny network, so hand-made files stay small: conv 3→2 (1x1), global pool, linear 2→10.</summary>
    private static ModelSpec Tiny(int convOut = 2) => new("tiny", 3, 4, 4, 10,
        [new ConvSpec("conv", 3, convOut, 1), new GlobalAvgPoolSpec("pool"), new LinearSpec("fc", convOut, 10)]);

    /// <summary>Writes tensors (all filled with 0.5) under a spec, with the writer.</summary>
    private string Write(ModelSpec? spec, params (string Name, int[] Shape)[] tensors)
    {
        string path = _dir.File("bad.safetensors");
        var metadata = spec is null ? null : new Dictionary<string, string> { [Checkpoint.SpecKey] = spec.ToJson() };
        SafeTensorsWriter.Write(path, tensors.Select(t => new SafeTensorsEntry(t.Name, t.Shape,
            () => Enumerable.Repeat(0.5f, (int)Shapes.Count(t.Shape)).ToArray())).ToList(), metadata);
        return path;
    }

    private static readonly (string, int[])[] TinyTensors = [("conv.weight", [2, 3, 1, 1]), ("fc.weight", [10, 2]), ("fc.bias", [10])];

    private CheckpointException LoadFails(string path)
    {
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path, _cpu).Dispose())!;
        Assert.That(e.Message, Does.Contain(path), "the error names the file");
        return e;
    }

    [Test]
    public void AValidTinyCheckpointLoads()
    {
        using var model = Checkpoint.Load(Write(Tiny(), TinyTensors), _cpu);
        Assert.That(model.StateDict()["fc.bias"].ToArray(), Is.All.EqualTo(0.5f));
    }

    [Test]
    public void AMissingCheckpointIsNamed()
    {
        string path = _dir.File("none.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(path, _cpu));
        Assert.That(e!.Message, Does.Contain(path));
    }

    [Test]
    public void ATruncatedCheckpointIsRejected()
    {
        string path = Write(Tiny(), TinyTensors);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^10]);
        Assert.That(LoadFails(path).Message, Does.Contain("truncated"));
    }

    [Test]
    public void ATensorWhoseShapeDiffersFromTheSpecIsNamed()
    {
        var e = LoadFails(Write(Tiny(convOut: 2), ("conv.weight", [4, 3, 1, 1]), ("fc.weight", [10, 2]), ("fc.bias", [10])));
        Assert.That(e.TensorName, Is.EqualTo("conv.weight"));
        Assert.That(e.Message, Does.Contain("[4,3,1,1]").And.Contain("[2,3,1,1]"));
    }

    [Test]
    public void AMissingTensorIsNamed()
    {
        var e = LoadFails(Write(Tiny(), ("conv.weight", [2, 3, 1, 1]), ("fc.weight", [10, 2])));
        Assert.That(e.TensorName, Is.EqualTo("fc.bias"));
        Assert.That(e.Message, Does.Contain("missing tensor 'fc.bias'"));
    }

    [Test]
    public void AnExtraTensorIsNamed()
    {
        var e = LoadFails(Write(Tiny(), [.. TinyTensors, ("conv.bias", [2])]));
        Assert.That(e.TensorName, Is.EqualTo("conv.bias"));
        Assert.That(e.Message, Does.Contain("unexpected tensor 'conv.bias'"));
    }

    [Test]
    public void ANonFloat32TensorIsNamed()
    {
        string path = _dir.File("f16.safetensors");
        string spec = System.Text.Json.JsonSerializer.Serialize(Tiny().ToJson());
        string header = "{\"__metadata__\":{\"" + Checkpoint.SpecKey + "\":" + spec + "},"
            + "\"conv.weight\":{\"dtype\":\"F32\",\"shape\":[2,3,1,1],\"data_offsets\":[0,24]},"
            + "\"fc.bias\":{\"dtype\":\"F16\",\"shape\":[10],\"data_offsets\":[24,44]},"
            + "\"fc.weight\":{\"dtype\":\"F32\",\"shape\":[10,2],\"data_offsets\":[44,124]}}";
        RawSafeTensors.Write(path, header, new byte[124]);
        var e = LoadFails(path);
        Assert.That(e.TensorName, Is.EqualTo("fc.bias"));
        Assert.That(e.Message, Does.Contain("F16"));
    }

    [Test]
    public void AFileWithoutASpecAsksForOne()
    {
        string path = Write(null, TinyTensors);
        Assert.That(LoadFails(path).Message, Does.Contain(Checkpoint.SpecKey));
        using var model = Checkpoint.Load(path, _cpu, Tiny());
        Assert.That(model.StateDict()["conv.weight"].ToArray(), Is.All.EqualTo(0.5f));
    }

    [Test]
    public void AnInvalidSpecInTheMetadataIsReported()
    {
        string path = _dir.File("badspec.safetensors");
        SafeTensorsWriter.Write(path, [], new Dictionary<string, string> { [Checkpoint.SpecKey] = "{\"name\": \"x\"" });
        Assert.That(LoadFails(path).Message, Does.Contain("model spec"));
    }

    [Test]
    public void APlainPyTorchStateDictLoadsIntoASpecSkippingNumBatchesTracked()
    {
        // What safetensors.torch.save_file(model.state_dict()) writes for a conv + BN net: num_batches_tracked as I64.
        var spec = new ModelSpec("bnnet", 3, 4, 4, 10,
            [new ConvSpec("conv", 3, 2, 1), new BatchNormSpec("bn", 2), new GlobalAvgPoolSpec("pool"), new LinearSpec("fc", 2, 10)]);
        var floats = new List<(string Name, int[] Shape)>
        {
            ("bn.bias", [2]), ("bn.running_mean", [2]), ("bn.running_var", [2]), ("bn.weight", [2]),
            ("conv.weight", [2, 3, 1, 1]), ("fc.bias", [10]), ("fc.weight", [10, 2]),
        };
        var header = new StringBuilder("{\"bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}");
        long offset = 8;
        var data = new List<byte>(new byte[8]);
        foreach (var (name, shape) in floats)
        {
            long bytes = Shapes.Count(shape) * 4;
            header.Append($",\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + bytes}]}}");
            offset += bytes;
            data.AddRange(MemoryMarshal.AsBytes(Enumerable.Repeat(0.25f, (int)(bytes / 4)).ToArray().AsSpan()).ToArray());
        }
        string path = _dir.File("torch.safetensors");
        RawSafeTensors.Write(path, header.Append('}').ToString(), data.ToArray());

        using var model = Checkpoint.Load(path, _cpu, spec);
        Assert.That(model.StateDict()["bn.running_var"].ToArray(), Is.All.EqualTo(0.25f));
    }
}
