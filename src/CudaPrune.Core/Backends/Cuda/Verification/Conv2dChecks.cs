using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Models;

namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>
/// Checks of kernels/conv2d.cu against <see cref="CpuReference"/>: forward, backward data and backward
/// weight (with the bias gradient), each version — the naive one at two block sizes, the implicit GEMM
/// at every tile, the weight gradient with its own and with forced reduction splits — at odd shapes
/// (all of kernel 1 and 3, stride 1 and 2, padding 0 and 1) and, beyond <c>quick</c>, at every distinct
/// conv layer of resnet20 and vgg16 (batch 2: the batch only lengthens the reduction).
/// </summary>
public sealed class Conv2dChecks : IKernelCheckSource
{
    private static readonly int[] NaiveBlockSizes = [256, 96];

    /// <summary>Reduction splits forced on the backward-weight kernel besides its own choice (which is 1 at small shapes).</summary>
    private const int ForcedWeightSplits = 3;

    /// <summary>The small shapes: N=3 C=5 7x7 OC=6 over K, stride and padding, then one with several tiles in every GEMM dimension.</summary>
    public static IReadOnlyList<Conv2dGeometry> QuickShapes { get; } =
    [
        .. from k in new[] { 1, 3 }
           from stride in new[] { 1, 2 }
           from pad in new[] { 0, 1 }
           select new Conv2dGeometry(3, 5, 7, 7, 6, k, stride, pad),
        new Conv2dGeometry(2, 19, 9, 11, 37, 3, 1, 1),
    ];

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
            foreach (var (version, block, tile) in Variants())
            {
                string where = conv + (tile is { } t ? $" tile {t}" : "");
                yield return new KernelCheck(ConvKernels.Forward, version, block, where, forwardTolerance, KernelCheckKit.SumRelativeTolerance,
                    backend => KernelCheckKit.WithVersion(backend, ConvKernels.Forward, version, block, () => conv.RunForward(backend), tile));
                yield return new KernelCheck(ConvKernels.BackwardData, version, block, where, dataTolerance, KernelCheckKit.SumRelativeTolerance,
                    backend => KernelCheckKit.WithVersion(backend, ConvKernels.BackwardData, version, block, () => conv.RunBackwardData(backend), tile));
                foreach (int? splits in version == 1 ? [null] : new int?[] { null, ForcedWeightSplits })
                    yield return new KernelCheck(ConvKernels.BackwardWeight, version, block, where + (splits is null ? "" : $" splits {splits}"),
                        weightTolerance, KernelCheckKit.SumRelativeTolerance,
                        backend => KernelCheckKit.WithVersion(backend, ConvKernels.BackwardWeight, version, block, () => conv.RunBackwardWeight(backend), tile, splits));
            }
        }
    }

    /// <summary>Version 1 at each naive block size, version 2 at each tile (its block size is the tile's).</summary>
    internal static IEnumerable<(int Version, int BlockSize, ConvTile? Tile)> Variants()
    {
        foreach (int block in NaiveBlockSizes) yield return (1, block, null);
        foreach (var tile in ConvKernels.Tiles) yield return (2, 0, tile);
    }

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
