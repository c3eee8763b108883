using CudaPrune.Core.Tensors;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends.Cuda;

// 2-D convolution: kernels/conv2d.cu. x[N,C,H,W], w[OC,C,K,K], b[OC], y[N,OC,OH,OW].
public sealed partial class CudaBackend
{
    /// <summary>Forces the tile of the implicit-GEMM (version 2) convolution kernels; null picks one per shape.</summary>
    public ConvTile? ConvTileOverride { get; set; }

    /// <summary>Forces the number of reduction splits of conv2d_backward_weight version 2; null picks one per shape.</summary>
    public int? ConvWeightSplitsOverride { get; set; }

    public Tensor Conv2dForward(Tensor x, Tensor w, Tensor? b, Conv2dGeometry g)
    {
        CheckConvolution(g, "Conv2dForward");
        RequireShape(x, g.InputShape, "Conv2dForward input");
        RequireShape(w, g.WeightShape, "Conv2dForward weight");
        if (b is not null) RequireShape(b, [g.OC], "Conv2dForward bias");
        var y = Empty(g.OutputShape);
        LaunchConvForward(ConvKernels.Forward, y.Ptr, x.Ptr, w.Ptr, b?.Ptr ?? DevicePtr.Null, g);
        return y;
    }

    public void Conv2dBackwardData(Tensor dy, Tensor w, Tensor dx, Conv2dGeometry g)
    {
        CheckConvolution(g, "Conv2dBackwardData");
        RequireShape(dy, g.OutputShape, "Conv2dBackwardData dy");
        RequireShape(w, g.WeightShape, "Conv2dBackwardData weight");
        RequireShape(dx, g.InputShape, "Conv2dBackwardData dx");
        const string op = ConvKernels.BackwardData;
        var args = ConvArguments(dx.Ptr, dy.Ptr, w.Ptr, g);
        double flops = g.Flops, bytes = 4.0 * (Shapes.Count(g.OutputShape) + Shapes.Count(g.WeightShape) + 2 * Shapes.Count(g.InputShape));
        if (ConvVersion(op) == 1)
        {
            int threads = Versions.BlockSize(op, ConvKernels.NaiveBlockSize);
            Launch(Kernel(ConvKernels.Module, op + "_kernel1"), GridStrideBlocks(Shapes.Count(g.InputShape), threads), threads, 0, ref args, flops, bytes);
            return;
        }
        // M = C, N = N·H·W, K = OC·K·K
        var tile = ConvTileFor(op, g);
        Launch(Kernel(ConvKernels.Module, $"{op}_kernel2_{tile.Suffix}"), TileGrid(tile, g.C, (long)g.N * g.H * g.W), tile.Threads, 0, ref args, flops, bytes);
    }

    public void Conv2dBackwardWeight(Tensor dy, Tensor x, Tensor dw, Tensor? db, Conv2dGeometry g)
    {
        CheckConvolution(g, "Conv2dBackwardWeight");
        RequireShape(dy, g.OutputShape, "Conv2dBackwardWeight dy");
        RequireShape(x, g.InputShape, "Conv2dBackwardWeight input");
        RequireShape(dw, g.WeightShape, "Conv2dBackwardWeight dw");
        if (db is not null) RequireShape(db, [g.OC], "Conv2dBackwardWeight db");
        LaunchConvBackwardWeight(dw.Ptr, dy.Ptr, x.Ptr, g);
        if (db is not null) LaunchBiasBackward(db.Ptr, dy.Ptr, g.N, g.OC, g.OH * g.OW);
    }

    /// <summary>y = conv(x, w) + b (ReLU'd for <see cref="ConvKernels.BiasReluForward"/>), with the version of <paramref name="op"/>.</summary>
    private void LaunchConvForward(string op, DevicePtr y, DevicePtr x, DevicePtr w, DevicePtr b, Conv2dGeometry g)
    {
        var args = ConvArguments(y, x, w, g, b);
        long outputs = Shapes.Count(g.OutputShape);
        double flops = g.Flops + (b.IsNull ? 0 : outputs);
        double bytes = 4.0 * (Shapes.Count(g.InputShape) + Shapes.Count(g.WeightShape) + outputs + (b.IsNull ? 0 : g.OC));
        if (ConvVersion(op) == 1)
        {
            int threads = Versions.BlockSize(op, ConvKernels.NaiveBlockSize);
            Launch(Kernel(ConvKernels.Module, op + "_kernel1"), GridStrideBlocks(outputs, threads), threads, 0, ref args, flops, bytes);
            return;
        }
        // M = OC, N = N·OH·OW, K = C·K·K
        var tile = ConvTileFor(op, g);
        Launch(Kernel(ConvKernels.Module, $"{op}_kernel2_{tile.Suffix}"), TileGrid(tile, g.OC, (long)g.N * g.OH * g.OW), tile.Threads, 0, ref args, flops, bytes);
    }

    /// <summary>dw += dy · im2col(x)ᵀ; version 2 splits the N·OH·OW reduction and, with more than one split, sums the partials in a second pass.</summary>
    private void LaunchConvBackwardWeight(DevicePtr dw, DevicePtr dy, DevicePtr x, Conv2dGeometry g)
    {
        const string op = ConvKernels.BackwardWeight;
        long weights = Shapes.Count(g.WeightShape), reduction = (long)g.N * g.OH * g.OW;
        double flops = g.Flops, bytes = 4.0 * (Shapes.Count(g.OutputShape) + Shapes.Count(g.InputShape) + 2 * weights);
        if (ConvVersion(op) == 1)
        {
            var naive = ConvArguments(dw, dy, x, g);
            int threads = Versions.BlockSize(op, ConvKernels.NaiveBlockSize);
            Launch(Kernel(ConvKernels.Module, op + "_kernel1"), GridStrideBlocks(weights, threads), threads, 0, ref naive, flops, bytes);
            return;
        }
        // M = OC, N = C·K·K, K = N·OH·OW: the tile fits the channels, the reduction splits fill the device.
        long taps = (long)g.C * g.K * g.K;
        var tile = ConvTileFor(op, g);
        var (chunk, splits) = ConvKernels.SplitReduction(reduction, ConvWeightSplitsFor(g));
        using var parts = splits > 1 ? Empty([splits, (int)weights]) : null; // freed to the cache: reused only by later work on the stream

        var args = new KernelArgs();
        args.Add(dw); args.Add(parts?.Ptr ?? DevicePtr.Null); args.Add(dy); args.Add(x);
        AddGeometry(ref args, g);
        args.Add(chunk);
        var grid = TileGrid(tile, g.OC, taps);
        Launch(Kernel(ConvKernels.Module, $"{op}_kernel2_{tile.Suffix}"), new Dim3(grid.X, grid.Y, (uint)splits), tile.Threads, 0, ref args,
            flops, bytes + (splits > 1 ? 4.0 * splits * weights : 0));
        if (parts is null) return;

        var reduce = new KernelArgs();
        reduce.Add(dw); reduce.Add(parts.Ptr); reduce.Add(weights); reduce.Add(splits);
        int threads2 = ConvKernels.NaiveBlockSize;
        Launch(Kernel(ConvKernels.Module, ConvKernels.WeightReduceKernel), GridStrideBlocks(weights, threads2), threads2, 0, ref reduce,
            (double)splits * weights, 4.0 * (splits + 2) * weights);
    }

    /// <summary>
    /// The tile version 2 of <paramref name="op"/> runs at <paramref name="g"/>: <see cref="ConvTileOverride"/>,
    /// else the smallest covering the GEMM's M (OC, or C for backward data), shrunk to fill the SMs except
    /// for the weight gradient, whose reduction splits fill them.
    /// </summary>
    public ConvTile ConvTileFor(string op, Conv2dGeometry g) => ConvTileOverride ?? op switch
    {
        ConvKernels.BackwardData => ConvKernels.ChooseTile(g.C, (long)g.N * g.H * g.W, Multiprocessors, fillDevice: true),
        ConvKernels.BackwardWeight => ConvKernels.ChooseTile(g.OC, (long)g.C * g.K * g.K, Multiprocessors, fillDevice: false),
        _ => ConvKernels.ChooseTile(g.OC, (long)g.N * g.OH * g.OW, Multiprocessors, fillDevice: true),
    };

    /// <summary>The reduction splits version 2 of the weight gradient asks for at <paramref name="g"/> (before rounding to whole k steps).</summary>
    public int ConvWeightSplitsFor(Conv2dGeometry g)
    {
        long taps = (long)g.C * g.K * g.K;
        return ConvWeightSplitsOverride ?? ConvKernels.ChooseWeightSplits(
            ConvKernels.Blocks(ConvTileFor(ConvKernels.BackwardWeight, g), g.OC, taps), (long)g.N * g.OH * g.OW, Multiprocessors);
    }

    private int ConvVersion(string op)
    {
        int version = Versions.Get(op, ConvKernels.DefaultVersion);
        if (!ConvKernels.Versions.Contains(version))
            throw new ArgumentOutOfRangeException(nameof(Versions), version, $"{op} has versions {string.Join(", ", ConvKernels.Versions)}");
        return version;
    }

    private int Multiprocessors => Math.Max(1, Gpu.Properties.MultiprocessorCount);

    private static Dim3 TileGrid(ConvTile tile, int rows, long columns) =>
        new((uint)Dim3.CeilDiv(columns, ConvTile.Columns), (uint)Dim3.CeilDiv(rows, tile.Rows));

    // (out, in1, in2[, bias], N, C, H, W, OC, K, S, P): the argument list every conv kernel but the split one starts with.
    private static KernelArgs ConvArguments(DevicePtr output, DevicePtr input1, DevicePtr input2, Conv2dGeometry g, DevicePtr? bias = null)
    {
        var args = new KernelArgs();
        args.Add(output); args.Add(input1); args.Add(input2);
        if (bias is { } b) args.Add(b);
        AddGeometry(ref args, g);
        return args;
    }

    private static void AddGeometry(ref KernelArgs args, Conv2dGeometry g)
    {
        args.Add(g.N); args.Add(g.C); args.Add(g.H); args.Add(g.W);
        args.Add(g.OC); args.Add(g.K); args.Add(g.Stride); args.Add(g.Padding);
    }

    // The kernels index with 32-bit ints: every tensor of the convolution must hold fewer than 2^31 elements.
    private static void CheckConvolution(Conv2dGeometry g, string op)
    {
        g.Validate();
        foreach (var (shape, what) in new[] { (g.InputShape, "input"), (g.WeightShape, "weight"), (g.OutputShape, "output") })
            if (Shapes.Count(shape) > int.MaxValue)
                throw new ArgumentException($"{op}: the {what} {Shapes.Format(shape)} holds more than 2^31 - 1 elements, more than the kernels index");
    }
}
