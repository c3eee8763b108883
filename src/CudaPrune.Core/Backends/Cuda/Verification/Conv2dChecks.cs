using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Models;

namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>
/// Checks of kernels/conv2d.cu and kernels/conv2d_specialised.cu against <see cref="CpuReference"/>: forward,
/// backward data and backward weight (with the bias gradient), each version — the naive one at two block
/// sizes, the generic implicit GEMM at every tile with the planner's split-K for it and with a forced
/// split-K, the per-layer kernels (version 3) at the planner's tile, at a tile of 4-row granularity and with
/// a forced split-K — at odd shapes (all of kernel 1 and 3, stride 1 and 2, padding 0 and 1), at ragged
/// channel counts of pruned layers (11, 27, 45, 93: multiples of no tile) and, beyond <c>quick</c>, at every
/// distinct conv layer of resnet20 and vgg16 (batch 2: the batch only lengthens the reduction).
/// </summary>
/// <remarks>
/// On the emulator every version-3 shape and tile is a g++ build of its own (a second or two), so
/// <c>quick</c> checks version 3 on the ragged shapes only, one tile for all three passes.
/// </remarks>
public sealed class Conv2dChecks : IKernelCheckSource
{
    private static readonly int[] NaiveBlockSizes = [256, 96];

    /// <summary>Split-K forced on the tiled kernels besides the planner's choice (which is 1 at most small shapes).</summary>
    private const int ForcedSplits = 3;

    /// <summary>The small shapes: N=3 C=5 7x7 OC=6 over K, stride and padding, then one with several tiles in every GEMM dimension.</summary>
    public static IReadOnlyList<Conv2dGeometry> OddShapes { get; } =
    [
        .. from k in new[] { 1, 3 }
           from stride in new[] { 1, 2 }
           from pad in new[] { 0, 1 }
           select new Conv2dGeometry(3, 5, 7, 7, 6, k, stride, pad),
        new Conv2dGeometry(2, 19, 9, 11, 37, 3, 1, 1),
    ];

    /// <summary>Channel counts a pruned network has (11 of 16, 27 and 45 of 64, 93 of 128): multiples of no tile.</summary>
    public static IReadOnlyList<Conv2dGeometry> RaggedShapes { get; } =
    [
        new Conv2dGeometry(2, 11, 9, 9, 27, 3, 1, 1),
        new Conv2dGeometry(1, 45, 6, 5, 93, 3, 2, 1),
        new Conv2dGeometry(3, 27, 7, 7, 11, 1, 1, 0),
    ];

    /// <summary>The shapes of the emulated checks: odd and ragged.</summary>
    public static IReadOnlyList<Conv2dGeometry> QuickShapes { get; } = [.. OddShapes, .. RaggedShapes];

    /// <summary>The distinct conv layers of resnet20 and vgg16 at batch 2.</summary>
    public static IReadOnlyList<Conv2dGeometry> ModelShapes { get; } =
        new[] { "resnet20", "vgg16" }.SelectMany(m => ModelConvLayers.Distinct(ModelZoo.Create(m), 2)).Select(l => l.Geometry).Distinct().ToList();

    public IEnumerable<KernelCheck> Checks(bool quick)
    {
        var shapes = quick ? QuickShapes : [.. QuickShapes, .. ModelShapes];
        for (int i = 0; i < shapes.Count; i++)
        {
            var conv = new ConvCase(shapes[i], withBias: i % 2 == 0);
            var (forwardTolerance, dataTolerance, weightTolerance) = conv.Tolerances;
            foreach (var v in Variants(shapes[i], quick))
            {
                string where = conv + v.Describe();
                yield return new KernelCheck(ConvKernels.Forward, v.Version, v.BlockSize, where, forwardTolerance, KernelCheckKit.SumRelativeTolerance,
                    backend => KernelCheckKit.WithVersion(backend, ConvKernels.Forward, v.Version, v.BlockSize, () => conv.RunForward(backend), v.Tile, v.Splits));
                yield return new KernelCheck(ConvKernels.BackwardData, v.Version, v.BlockSize, where, dataTolerance, KernelCheckKit.SumRelativeTolerance,
                    backend => KernelCheckKit.WithVersion(backend, ConvKernels.BackwardData, v.Version, v.BlockSize, () => conv.RunBackwardData(backend), v.Tile, v.Splits));
                yield return new KernelCheck(ConvKernels.BackwardWeight, v.Version, v.BlockSize, where, weightTolerance, KernelCheckKit.SumRelativeTolerance,
                    backend => KernelCheckKit.WithVersion(backend, ConvKernels.BackwardWeight, v.Version, v.BlockSize, () => conv.RunBackwardWeight(backend), v.Tile, v.Splits));
            }
        }
    }

    /// <summary>One way of running a convolution: version, block size (naive), tile and split-K (null: the planner's).</summary>
    internal readonly record struct Variant(int Version, int BlockSize, ConvTile? Tile, int? Splits)
    {
        public string Describe() => (Tile is { } t ? $" tile {t}" : "") + (Splits is { } s ? $" split-K {s}" : "");
    }

    /// <summary>
    /// Version 1 at each naive block size; version 2 at each generic tile, and the smallest and largest with a
    /// forced split-K; version 3 at the forward pass's planned tile (for all three passes, so one build serves
    /// them), with a forced split-K, and at a tile of 4-row granularity — on the ragged shapes only when
    /// <paramref name="quick"/>.
    /// </summary>
    internal static IEnumerable<Variant> Variants(Conv2dGeometry g, bool quick)
    {
        foreach (int block in NaiveBlockSizes) yield return new(1, block, null, null);
        foreach (var tile in ConvKernels.GenericTiles) yield return new(2, 0, tile, null);
        yield return new(2, 0, ConvKernels.GenericTiles[0], ForcedSplits);
        yield return new(2, 0, ConvKernels.GenericTiles[^1], ForcedSplits);
        if (quick && !RaggedShapes.Contains(g)) yield break;
        var planned = PlannedSpecialisedTile(g);
        yield return new(3, 0, planned, null);
        yield return new(3, 0, planned, ForcedSplits);
        if (quick) yield return new(3, 0, new ConvTile(12, 64), null);
    }

    // The tile an H100 plan gives the forward pass at this shape (any device would do: it only has to be a valid, typical tile).
    private static ConvTile PlannedSpecialisedTile(Conv2dGeometry g) =>
        new Planning.ConvLaunchPlanner(Planning.ConvPlanDevice.H100).Plan(ConvKernels.Forward, g, 3).Tile!.Value;

    /// <summary>One convolution's inputs and CPU references, computed once and shared by every variant.</summary>
    internal sealed class ConvCase(Conv2dGeometry g, bool withBias)
    {
        private readonly Lazy<Data> _data = new(() => new Data(g, withBias));

        public Conv2dGeometry Geometry => g;

        public bool WithBias => withBias;

        /// <summary>Forward and backward data sum C·K·K and OC·K·K products per output; backward weight sums N·OH·OW.</summary>
        public (double Forward, double Data, double Weight) Tolerances =>
            (KernelCheckKit.SumTolerance((long)g.C * g.K * g.K), KernelCheckKit.SumTolerance((long)g.OC * g.K * g.K),
             KernelCheckKit.SumTolerance((long)g.N * g.OH * g.OW));

        public float[] X => _data.Value.X;
        public float[] W => _data.Value.W;
        public float[]? B => _data.Value.B;

        /// <summary>The CPU reference of the forward pass (with the bias when the case has one).</summary>
        public float[] Y => _data.Value.Y;

        private sealed class Data
        {
            public Data(Conv2dGeometry g, bool withBias)
            {
                int seed = KernelCheckKit.Seed(g.N, g.C, g.H, g.W, g.OC, g.K, g.Stride, g.Padding);
                int inputs = (int)Tensors.Shapes.Count(g.InputShape), weights = (int)Tensors.Shapes.Count(g.WeightShape);
                int outputs = (int)Tensors.Shapes.Count(g.OutputShape);
                X = KernelCheckKit.Uniform(inputs, seed);
                W = KernelCheckKit.Uniform(weights, seed + 1);
                B = withBias ? KernelCheckKit.Uniform(g.OC, seed + 2) : null;
                Dy = KernelCheckKit.Uniform(outputs, seed + 3);
                Dx0 = KernelCheckKit.Uniform(inputs, seed + 4);
                Dw0 = KernelCheckKit.Uniform(weights, seed + 5);
                Db0 = KernelCheckKit.Uniform(g.OC, seed + 6);
                Y = new float[outputs];
                CpuReference.Conv2dForward(X, W, B, Y, g);
                Dx = (float[])Dx0.Clone();
                CpuReference.Conv2dBackwardData(Dy, W, Dx, g);
                Dw = (float[])Dw0.Clone();
                Db = withBias ? (float[])Db0.Clone() : [];
                CpuReference.Conv2dBackwardWeight(Dy, X, Dw, Db, g);
            }

            public float[] X, W, Dy, Dx0, Dw0, Db0, Y, Dx, Dw, Db;
            public float[]? B;
        }

        public KernelCheckResult RunForward(CudaBackend backend)
        {
            var d = _data.Value;
            using var x = backend.FromArray(d.X, g.InputShape);
            using var w = backend.FromArray(d.W, g.WeightShape);
            using var b = d.B is null ? null : backend.FromArray(d.B, [g.OC]);
            using var y = backend.Conv2dForward(x, w, b, g);
            return KernelCheckKit.Compare(backend.ToFloatArray(y), d.Y, Tolerances.Forward, KernelCheckKit.SumRelativeTolerance);
        }

        public KernelCheckResult RunBackwardData(CudaBackend backend)
        {
            var d = _data.Value;
            using var dy = backend.FromArray(d.Dy, g.OutputShape);
            using var w = backend.FromArray(d.W, g.WeightShape);
            using var dx = backend.FromArray(d.Dx0, g.InputShape);
            backend.Conv2dBackwardData(dy, w, dx, g);
            return KernelCheckKit.Compare(backend.ToFloatArray(dx), d.Dx, Tolerances.Data, KernelCheckKit.SumRelativeTolerance);
        }

        /// <summary>dw, and db when the case has a bias, compared as one.</summary>
        public KernelCheckResult RunBackwardWeight(CudaBackend backend)
        {
            var d = _data.Value;
            using var dy = backend.FromArray(d.Dy, g.OutputShape);
            using var x = backend.FromArray(d.X, g.InputShape);
            using var dw = backend.FromArray(d.Dw0, g.WeightShape);
            using var db = withBias ? backend.FromArray(d.Db0, [g.OC]) : null;
            backend.Conv2dBackwardWeight(dy, x, dw, db, g);
            float[] actual = [.. backend.ToFloatArray(dw), .. db is null ? [] : backend.ToFloatArray(db)];
            return KernelCheckKit.Compare(actual, [.. d.Dw, .. d.Db], Tolerances.Weight, KernelCheckKit.SumRelativeTolerance);
        }

        public override string ToString() => $"{g}{(withBias ? " bias" : "")}";
    }
}
