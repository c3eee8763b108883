using CudaPrune.Core.Backends.Cuda;

namespace CudaPrune.Tests.CudaBackend;

/// <summary>How the implicit-GEMM convolutions pick their tile and split the weight gradient's reduction.</summary>
public class ConvTileChoiceTests
{
    [TestCase(3, 16)]
    [TestCase(16, 16)]
    [TestCase(17, 32)]
    [TestCase(32, 32)]
    [TestCase(64, 64)]
    [TestCase(100, 128)]
    [TestCase(512, 128)]
    public void TheTileIsTheSmallestThatCoversTheChannels(int channels, int rows)
    {
        var tile = ConvKernels.ChooseTile(channels, columns: 1 << 20, multiprocessors: 132, fillDevice: true);

        Assert.That(tile.Rows, Is.EqualTo(rows));
    }

    [Test]
    public void ATileLeavingSmsIdleShrinksUntilTheGridFillsThem()
    {
        // vgg16's last layers at batch 256: 512 channels, 2x2 outputs: 1024 columns = 8 column tiles.
        var filled = ConvKernels.ChooseTile(512, 1024, multiprocessors: 132, fillDevice: true);
        var kept = ConvKernels.ChooseTile(512, 1024, multiprocessors: 132, fillDevice: false);

        Assert.That(kept.Rows, Is.EqualTo(128));
        Assert.That(ConvKernels.Blocks(kept, 512, 1024), Is.EqualTo(32));
        Assert.That(filled.Rows, Is.EqualTo(16), "128 → 32 blocks, 64 → 64, 32 → 128 (< 132), 16 → 256");
    }

    [Test]
    public void TilesDescribeTheirKernelsAndThreads()
    {
        Assert.That(ConvKernels.Tiles.Select(t => t.Suffix), Is.EqualTo(new[] { "bm128", "bm64", "bm32", "bm16" }));
        Assert.That(ConvKernels.Tiles.Select(t => t.Threads), Is.EqualTo(new[] { 256, 128, 64, 64 }));
    }

    [TestCase(262144L, 64)]
    [TestCase(147L, 3)]
    [TestCase(10L, 7)]
    [TestCase(1L, 1)]
    public void SplitsCoverTheReductionInWholeKStepsWithNoEmptySplit(long rows, int requested)
    {
        var (chunk, splits) = ConvKernels.SplitReduction(rows, requested);

        Assert.That(chunk % 8, Is.Zero, "each split starts on a k step of the tile");
        Assert.That((long)chunk * splits, Is.GreaterThanOrEqualTo(rows), "the splits cover every row");
        Assert.That((long)chunk * (splits - 1), Is.LessThan(rows), "the last split is not empty");
        Assert.That(splits, Is.LessThanOrEqualTo(requested));
    }

    [Test]
    public void WeightSplitsAimAtTwoBlocksPerSmWithinLimits()
    {
        // resnet20 layer1 at batch 256: 16 x 144 weights = 2 tiles of 16 x 128; 262144 reduction rows.
        Assert.That(ConvKernels.ChooseWeightSplits(2, 262144, 132), Is.EqualTo(132));
        Assert.That(ConvKernels.ChooseWeightSplits(2, 1000, 132), Is.EqualTo(3), "each split keeps at least 256 rows");
        Assert.That(ConvKernels.ChooseWeightSplits(1000, 262144, 132), Is.EqualTo(1), "enough tiles already");
        Assert.That(ConvKernels.ChooseWeightSplits(1, 1L << 30, 132), Is.EqualTo(ConvKernels.MaxWeightSplits));
    }
}
