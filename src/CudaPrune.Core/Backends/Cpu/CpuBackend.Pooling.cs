using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cpu;

public sealed partial class CpuBackend
{
    public Tensor MaxPool2dForward(Tensor x, Pool2dGeometry g, out Tensor argmax)
    {
        g.Validate();
        var xs = Floats(x, "MaxPool2dForward input", g.InputShape);
        var y = Empty(g.OutputShape);
        argmax = Empty(g.OutputShape, DType.Int32);
        using var _ = Observe("max_pool2d_forward", (double)y.Count * g.K * g.K, 4.0 * (x.Count + 2 * y.Count));
        if (UseFastPaths) CpuPooling.MaxPool2dForward(Threads, FloatArray(x), FloatArray(y), IntArray(argmax), g);
        else CpuReference.MaxPool2dForward(xs, y.Span<float>(), argmax.Span<int>(), g);
        return y;
    }

    public void MaxPool2dBackward(Tensor dy, Tensor argmax, Tensor dx, Pool2dGeometry g)
    {
        g.Validate();
        var dys = Floats(dy, "MaxPool2dBackward dy", g.OutputShape);
        var idx = Ints(argmax, "MaxPool2dBackward argmax");
        Shapes.Require(argmax, g.OutputShape, "MaxPool2dBackward argmax");
        var dxs = Floats(dx, "MaxPool2dBackward dx", g.InputShape);
        int HW = g.H * g.W;
        foreach (var i in idx)
            if ((uint)i >= (uint)HW) throw new ArgumentException($"MaxPool2dBackward: argmax holds {i}, outside a {g.H}x{g.W} plane");
        using var _ = Observe("max_pool2d_backward", dy.Count, 4.0 * (2 * dy.Count + 2 * dx.Count));
        if (UseFastPaths) CpuPooling.MaxPool2dBackward(Threads, FloatArray(dy), IntArray(argmax), FloatArray(dx), g);
        else CpuReference.MaxPool2dBackward(dys, idx, dxs, g);
    }

    public Tensor AvgPool2dForward(Tensor x, Pool2dGeometry g)
    {
        g.Validate();
        var xs = Floats(x, "AvgPool2dForward input", g.InputShape);
        var y = Empty(g.OutputShape);
        using var _ = Observe("avg_pool2d_forward", (double)y.Count * g.K * g.K, 4.0 * (x.Count + y.Count));
        if (UseFastPaths) CpuPooling.AvgPool2dForward(Threads, FloatArray(x), FloatArray(y), g);
        else CpuReference.AvgPool2dForward(xs, y.Span<float>(), g);
        return y;
    }

    public void AvgPool2dBackward(Tensor dy, Tensor dx, Pool2dGeometry g)
    {
        g.Validate();
        var dys = Floats(dy, "AvgPool2dBackward dy", g.OutputShape);
        var dxs = Floats(dx, "AvgPool2dBackward dx", g.InputShape);
        using var _ = Observe("avg_pool2d_backward", (double)dy.Count * g.K * g.K, 4.0 * (dy.Count + 2 * dx.Count));
        if (UseFastPaths) CpuPooling.AvgPool2dBackward(Threads, FloatArray(dy), FloatArray(dx), g);
        else CpuReference.AvgPool2dBackward(dys, dxs, g);
    }

    public Tensor GlobalAvgPoolForward(Tensor x)
    {
        RequireRank(x, 4, "GlobalAvgPoolForward input");
        var xs = Floats(x, "GlobalAvgPoolForward input");
        int N = x.Dim(0), C = x.Dim(1), HW = x.Dim(2) * x.Dim(3);
        var y = Empty([N, C]);
        using var _ = Observe("global_avg_pool_forward", x.Count, 4.0 * (x.Count + y.Count));
        if (UseFastPaths) CpuPooling.GlobalAvgPoolForward(Threads, FloatArray(x), FloatArray(y), N * C, HW);
        else CpuReference.GlobalAvgPoolForward(xs, y.Span<float>(), N, C, HW);
        return y;
    }

    public void GlobalAvgPoolBackward(Tensor dy, Tensor dx)
    {
        RequireRank(dx, 4, "GlobalAvgPoolBackward dx");
        int N = dx.Dim(0), C = dx.Dim(1), HW = dx.Dim(2) * dx.Dim(3);
        var dys = Floats(dy, "GlobalAvgPoolBackward dy", [N, C]);
        var dxs = Floats(dx, "GlobalAvgPoolBackward dx");
        using var _ = Observe("global_avg_pool_backward", dx.Count, 4.0 * (dy.Count + 2 * dx.Count));
        if (UseFastPaths) CpuPooling.GlobalAvgPoolBackward(Threads, FloatArray(dy), FloatArray(dx), N * C, HW);
        else CpuReference.GlobalAvgPoolBackward(dys, dxs, N, C, HW);
    }
}
