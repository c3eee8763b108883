using CudaPrune.Core.Backends;
using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Core.Backends.Cuda.Planning;

namespace CudaPrune.Tests.CudaBackend;

/// <summary>
/// The convolution launch planner: tiles that fit pruned channel counts, split-K that fills the device at
/// batch 1, the MACs the tiles compute counted with their padding, and clear refusals.
/// </summary>
public class ConvLaunchPlannerTests
{
    private static readonly ConvLaunchPlanner H100 = new(ConvPlanDevice.H100);

    [Test]
    public void PaddingIsCountedInTheComputedMacs()
    {
        // M = OC = 11, N = 1·10·10 = 100 pixels, K = C·3·3 = 99: a 16x32 tile computes 16 rows, 128 columns, 104 k.
        var g = new Conv2dGeometry(1, 11, 10, 10, 11, 3, 1, 1);

        var plan = H100.Plan(ConvKernels.Forward, g, version: 2, tile: new ConvTile(16, 32), splits: 1);

        Assert.That(plan.Gemm, Is.EqualTo(new ConvGemm(11, 100, 99, 1100)));
        Assert.That(plan.ComputedMacs, Is.EqualTo(16.0 * 128 * 104));
        Assert.That(plan.UsefulMacFraction, Is.EqualTo(11.0 * 100 * 99 / (16.0 * 128 * 104)).Within(1e-12));
        Assert.That(plan.Grid, Is.EqualTo(new CudaPrune.Cuda.Runtime.Dim3(4, 1, 1)));
    }

    [TestCase(11, 12)]
    [TestCase(23, 24)]
    [TestCase(45, 48)]
    [TestCase(93, 96)]
    public void PerLayerKernelsCutTheTileToAPrunedChannelCount(int channels, int rows)
    {
        // A large batch: plenty of blocks, so only the padding of the tile matters.
        var g = new Conv2dGeometry(256, channels, 16, 16, channels, 3, 1, 1);

        var plan = H100.Plan(ConvKernels.Forward, g, version: 3);

        Assert.That(plan.Tile!.Value.Rows % rows, Is.Zero.Or.EqualTo(rows), $"{plan}");
        Assert.That(plan.UsefulMacFraction, Is.GreaterThan(0.85), $"{plan}");
    }

    [TestCase(1, 16, 32, 32)]
    [TestCase(1, 64, 8, 8)]
    [TestCase(1, 45, 8, 8)]
    [TestCase(1, 23, 32, 32)]
    public void AtBatchOneSplitKFillsEverySm(int batch, int channels, int h, int w)
    {
        var g = new Conv2dGeometry(batch, channels, h, w, channels, 3, 1, 1);

        foreach (int version in new[] { 2, 3 })
        {
            var plan = H100.Plan(ConvKernels.Forward, g, version);
            Assert.That(plan.Blocks, Is.GreaterThanOrEqualTo(132), $"v{version}: {plan}");
            Assert.That(plan.Splits, Is.GreaterThan(1), $"v{version}: one tile grid alone cannot fill 132 SMs here: {plan}");
        }
    }

    [Test]
    public void ALargeLayerIsNotSplit()
    {
        var g = new Conv2dGeometry(256, 64, 32, 32, 64, 3, 1, 1);

        var plan = H100.Plan(ConvKernels.Forward, g, version: 3);

        Assert.That(plan.Splits, Is.EqualTo(1), $"{plan}");
        Assert.That(plan.WorkspaceFloats, Is.Zero);
    }

    [TestCase(262144L, 64)]
    [TestCase(147L, 3)]
    [TestCase(10L, 7)]
    [TestCase(1L, 1)]
    public void SplitsCoverTheReductionInWholeKStepsWithNoEmptySplit(long rows, int requested)
    {
        var (chunk, splits) = ConvLaunchPlanner.SplitReduction(rows, requested);

        Assert.That(chunk % 8, Is.Zero, "each split starts on a k step of the tile");
        Assert.That((long)chunk * splits, Is.GreaterThanOrEqualTo(rows), "the splits cover every row");
        Assert.That((long)chunk * (splits - 1), Is.LessThan(rows), "the last split is not empty");
        Assert.That(splits, Is.LessThanOrEqualTo(requested));
    }

    [Test]
    public void EveryPassIsPlannedOnItsOwnGemm()
    {
        var g = new Conv2dGeometry(2, 11, 9, 9, 27, 3, 1, 1);

        Assert.That(H100.Plan(ConvKernels.BackwardData, g, 3).Gemm, Is.EqualTo(new ConvGemm(11, 2 * 81, 27 * 9, 2 * 11 * 81)));
        Assert.That(H100.Plan(ConvKernels.BackwardWeight, g, 3).Gemm, Is.EqualTo(new ConvGemm(27, 11 * 9, 2 * 81, 27 * 11 * 9)));
        Assert.That(H100.Plan(ConvKernels.BiasReluForward, g, 3).Gemm, Is.EqualTo(H100.Plan(ConvKernels.Forward, g, 3).Gemm));
    }

    [Test]
    public void ATileTheVersionLacksIsRefusedNamingTheTiles()
    {
        var g = new Conv2dGeometry(1, 8, 8, 8, 8, 3, 1, 1);

        var e = Assert.Throws<ArgumentException>(() => H100.Plan(ConvKernels.Forward, g, version: 2, tile: new ConvTile(12, 64)));
        Assert.That(e!.Message, Does.Contain("12x64").And.Contain("16x32"));
    }

    [Test]
    public void TileSetsAreValidAndGenericOnesAreAmongTheSpecialisedOnesOrDeclaredInTheKernelFile()
    {
        Assert.That(ConvKernels.GenericTiles.All(t => t.IsValid), Is.True);
        Assert.That(ConvKernels.SpecialisedTiles.All(t => t.IsValid), Is.True);
        Assert.That(ConvKernels.SpecialisedTiles.Select(t => t.Rows).Distinct(), Does.Contain(12).And.Contain(44).And.Contain(124));
        Assert.That(new ConvTile(12, 32).IsValid, Is.False, "12 rows x 32 columns is 12 threads: the loaders need a multiple of 8");
        string source = CudaPrune.Cuda.Compilation.KernelSources.Embedded.Source(ConvKernels.Module);
        foreach (var tile in ConvKernels.GenericTiles)
            Assert.That(source, Does.Contain(ConvKernels.TiledKernelName(ConvKernels.Forward, 2, tile) + "("), $"{tile} has no kernel in conv2d.cu");
    }

    [Test]
    public void PresetsAreNamedAndUnknownOnesListThem()
    {
        Assert.That(ConvPlanDevice.Preset("H100").Multiprocessors, Is.EqualTo(132));
        Assert.That(ConvPlanDevice.Preset("h200").Multiprocessors, Is.EqualTo(132));
        var e = Assert.Throws<ArgumentException>(() => ConvPlanDevice.Preset("a100"));
        Assert.That(e!.Message, Does.Contain("h100").And.Contain("h200"));
    }
}
