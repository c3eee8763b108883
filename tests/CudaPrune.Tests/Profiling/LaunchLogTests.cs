using System.Text.RegularExpressions;
using CudaPrune.Core.Autograd;
using CudaPrune.Core.Backends;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Models;
using CudaPrune.Core.Profiling;
using CudaPrune.Core.Tensors;
using CudaPrune.Tests.CudaBackend;
using CudaPrune.Tests.Pruning;

namespace CudaPrune.Tests.Profiling;

/// <summary>
/// <c>CUDAPRUNE_DEBUG=2</c>: one line per launch with kernel, grid, block, shared bytes, layer, FLOPs and
/// bytes. The level is passed in (<see cref="DebugLevel.Apply"/>), so no test touches the environment.
/// </summary>
public partial class LaunchLogTests
{
    private static void Forward(Model model)
    {
        using var noGrad = GradMode.NoGrad();
        using var scope = DisposeScope.Begin();
        model.Forward(model.Backend.Zeros(model.Spec.InputShape.WithBatch(1)));
    }

    [Test, Category("Emulated")]
    public void AnEmulatedForwardPrintsOneLinePerLaunch()
    {
        CountingGpu? counting = null;
        using var backend = EmulatedDevice.OpenBackend(gpu => counting = new CountingGpu(gpu));
        using var model = PruningFixtures.Model(backend, "simplecnn");
        var log = new StringWriter();
        DebugLevel.Apply(backend, DebugLevel.Launches, log);
        int before = counting!.Launches;

        Forward(model);

        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(counting.Launches - before).And.Length.GreaterThan(3));
        Assert.That(lines, Has.All.Match(LaunchLine()));
        var conv = lines.First(l => l.Contains("layer=conv1 "));
        Assert.That(conv, Does.StartWith("launch conv2d_forward_kernel").And.Not.Contain("flops=-"), conv);
    }

    [Test]
    public void LevelOneLogsNothing()
    {
        using var cpu = new CpuBackend();
        var log = new StringWriter();
        DebugLevel.Apply(cpu, 1, log);
        Assert.That(cpu.Observer, Is.Null);
    }

    [Test]
    public void TheCpuBackendPrintsItsOpsWithTheirLayers()
    {
        using var cpu = new CpuBackend();
        using var model = PruningFixtures.Model(cpu, "simplecnn");
        var log = new StringWriter();
        DebugLevel.Apply(cpu, 2, log);

        Forward(model);

        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.Match(@"^op conv2d_forward layer=conv1 flops=\S+ bytes=\S+$"));
    }

    [Test]
    public void TheLogStaysOnBesideAnotherObserver()
    {
        using var cpu = new CpuBackend();
        using var model = PruningFixtures.Model(cpu, "simplecnn");
        var log = new StringWriter();
        DebugLevel.Apply(cpu, 2, log);
        var recorder = new RecordingObserver();
        cpu.Observer = OpObservers.Combine(cpu.Observer, recorder);

        Forward(model);

        Assert.That(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(recorder.Ops.Count));
    }

    [TestCase(null, 0)]
    [TestCase("", 0)]
    [TestCase("1", 1)]
    [TestCase("2", 2)]
    [TestCase("yes", 1)]
    public void TheLevelIsParsed(string? value, int level) => Assert.That(DebugLevel.Parse(value), Is.EqualTo(level));

    [GeneratedRegex(@"^launch \w+ grid=\S+ block=\S+ smem=\d+ layer=\S+ flops=\S+ bytes=\S+$")]
    private static partial Regex LaunchLine();
}
