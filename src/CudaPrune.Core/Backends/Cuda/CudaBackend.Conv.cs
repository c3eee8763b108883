using CudaPrune.Core.Backends.Cuda.Planning;
using CudaPrune.Core.Tensors;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends.Cuda;

// 2-D convolution: kernels/conv2d.cu, kernels/conv2d_specialised.cu. x[N,C,H,W], w[OC,C,K,K], b[OC], y[N,OC,OH,OW].
public sealed partial class CudaBackend
{
    private ConvLaunchPlanner? _convPlanner;

    /// <summary>Forces the tile of the tiled (version 2 and 3) convolution kernels; null lets the planner choose per shape.</summary>
    public ConvTile? ConvTileOverride { get; set; }

    /// <summary>Forces the split-K of the tiled convolution kernels (every pass); null lets the planner choose per shape.</summary>
    public int? ConvSplitsOverride { get; set; }

    /// <summary>The planner of this device's convolution launches (SM count from the device).</summary>
    public ConvLaunchPlanner ConvPlanner => _convPlanner ??= new ConvLaunchPlanner(ConvPlanDevice.Of(Gpu.Properties, Gpu.IsEmulated));

    /// <summary>The convolution version a device runs unless <see cref="Versions"/> says otherwise.</summary>
    public int DefaultConvVersion => Gpu.IsEmulated ? ConvKernels.DefaultEmulatedVersion : ConvKernels.DefaultVersion;

    /// <summary>How <paramref name="op"/> at <paramref name="g"/> is launched: the version in force, the planner's tile and splits (or the overrides).</summary>
    public ConvLaunchPlan PlanConv(string op, Conv2dGeometry g) =>
        ConvPlanner.Plan(op, g, ConvVersion(op), ConvTileOverride, ConvSplitsOverride);

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
        double bytes = 4.0 * (Shapes.Count(g.OutputShape) + Shapes.Count(g.WeightShape) + 2 * Shapes.Count(g.InputShape));
        LaunchConv(ConvKernels.BackwardData, g, dx.Ptr, dy.Ptr, w.Ptr, DevicePtr.Null, g.Flops, bytes);
    }

    public void Conv2dBackwardWeight(Tensor dy, Tensor x, Tensor dw, Tensor? db, Conv2dGeometry g)
    {
        CheckConvolution(g, "Conv2dBackwardWeight");
        RequireShape(dy, g.OutputShape, "Conv2dBackwardWeight dy");
        RequireShape(x, g.InputShape, "Conv2dBackwardWeight input");
        RequireShape(dw, g.WeightShape, "Conv2dBackwardWeight dw");
        if (db is not null) RequireShape(db, [g.OC], "Conv2dBackwardWeight db");
        double bytes = 4.0 * (Shapes.Count(g.OutputShape) + Shapes.Count(g.InputShape) + 2 * Shapes.Count(g.WeightShape));
        LaunchConv(ConvKernels.BackwardWeight, g, dw.Ptr, dy.Ptr, x.Ptr, DevicePtr.Null, g.Flops, bytes);
        if (db is not null) LaunchBiasBackward(db.Ptr, dy.Ptr, g.N, g.OC, g.OH * g.OW);
    }

    /// <summary>y = conv(x, w) + b (ReLU'd for <see cref="ConvKernels.BiasReluForward"/>), with the version of <paramref name="op"/>.</summary>
    private void LaunchConvForward(string op, DevicePtr y, DevicePtr x, DevicePtr w, DevicePtr b, Conv2dGeometry g)
    {
        long outputs = Shapes.Count(g.OutputShape);
        double flops = g.Flops + (b.IsNull ? 0 : outputs);
        double bytes = 4.0 * (Shapes.Count(g.InputShape) + Shapes.Count(g.WeightShape) + outputs + (b.IsNull ? 0 : g.OC));
        LaunchConv(op, g, y, x, w, b, flops, bytes);
    }

    /// <summary>
    /// One pass as planned: the kernel into <paramref name="output"/> (from <paramref name="input1"/>,
    /// <paramref name="input2"/>), or, with split-K, the kernel into a workspace and the reduction into the output.
    /// </summary>
    private void LaunchConv(string op, Conv2dGeometry g, DevicePtr output, DevicePtr input1, DevicePtr input2, DevicePtr bias,
                            double flops, double bytes)
    {
        var plan = PlanConv(op, g);
        bool forward = op is ConvKernels.Forward or ConvKernels.BiasReluForward;
        int relu = op == ConvKernels.BiasReluForward ? 1 : 0;
        if (plan.Version == 1)
        {
            var naive = ConvArguments(output, input1, input2, g, forward ? bias : null);
            int threads = Versions.BlockSize(op, ConvKernels.NaiveBlockSize);
            Launch(Kernel(ConvKernels.Module, op + "_kernel1"), GridStrideBlocks(plan.Gemm.Outputs, threads), threads, 0, ref naive, flops, bytes);
            return;
        }

        var tile = plan.Tile!.Value;
        using var parts = plan.Splits > 1 ? Empty([(int)plan.WorkspaceFloats]) : null; // freed to the cache: reused only by later work on the stream
        var args = new KernelArgs();
        args.Add(output); args.Add(parts?.Ptr ?? DevicePtr.Null); args.Add(input1); args.Add(input2);
        if (forward) args.Add(bias);
        GpuKernel kernel;
        if (plan.Version == 2)
        {
            AddGeometry(ref args, g);
            kernel = Kernel(ConvKernels.Module, ConvKernels.TiledKernelName(op, 2, tile));
        }
        else
        {
            args.Add(g.N);
            kernel = Kernel(ConvKernels.SpecialisedModule, ConvKernels.TiledKernelName(op, 3, tile), ConvSpecialisation.Defines(g, tile));
        }
        args.Add(plan.Chunk);
        if (forward) args.Add(relu);
        Launch(kernel, plan.Grid, plan.Threads, 0, ref args, flops, bytes + 4.0 * plan.WorkspaceFloats);
        if (parts is null) return;

        // Σ over splits in a fixed order, then bias and ReLU (forward) or accumulation (backward passes).
        var (m, p) = op switch
        {
            ConvKernels.BackwardData => (g.C, g.H * g.W),
            ConvKernels.BackwardWeight => (g.OC, g.C * g.K * g.K),
            _ => (g.OC, g.OH * g.OW),
        };
        var reduce = new KernelArgs();
        reduce.Add(output); reduce.Add(parts.Ptr); reduce.Add(forward ? bias : DevicePtr.Null); reduce.Add(plan.Gemm.Outputs);
        reduce.Add(m); reduce.Add(p); reduce.Add(plan.Splits); reduce.Add(relu); reduce.Add(forward ? 0 : 1);
        int threads2 = ConvKernels.NaiveBlockSize;
        Launch(Kernel(ConvKernels.Module, ConvKernels.SplitReduceKernel), GridStrideBlocks(plan.Gemm.Outputs, threads2), threads2, 0, ref reduce,
            (double)plan.Splits * plan.Gemm.Outputs, 4.0 * (plan.Splits + 2) * plan.Gemm.Outputs);
    }

    // The family's versions, with the device's default (the emulator runs the generic kernels unless told otherwise).
    private int ConvVersion(string op) => KernelFamilies.Of(op).Require(Versions.Get(op, DefaultConvVersion));

    // (out, in1, in2[, bias], N, C, H, W, OC, K, S, P): the argument list of the naive kernels.
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
