using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cpu;

public sealed partial class CpuBackend
{
    public Tensor Conv2dForward(Tensor x, Tensor w, Tensor? b, Conv2dGeometry g)
    {
        g.Validate();
        var xs = Floats(x, "Conv2dForward input", g.InputShape);
        var ws = Floats(w, "Conv2dForward weight", g.WeightShape);
        var bs = OptionalFloats(b, "Conv2dForward bias", [g.OC]);
        var y = Empty(g.OutputShape);
        using var _ = Observe("conv2d_forward", g.Flops + (b is null ? 0 : y.Count), 4.0 * (x.Count + w.Count + y.Count + (b?.Count ?? 0)));
        if (UseFastPaths) CpuConvolution.Forward(_kernel, Threads, FloatArray(x), FloatArray(w), FloatArrayOrNull(b), FloatArray(y), g);
        else CpuReference.Conv2dForward(xs, ws, bs, y.Span<float>(), g);
        return y;
    }

    public void Conv2dBackwardData(Tensor dy, Tensor w, Tensor dx, Conv2dGeometry g)
    {
        g.Validate();
        var dys = Floats(dy, "Conv2dBackwardData dy", g.OutputShape);
        var ws = Floats(w, "Conv2dBackwardData weight", g.WeightShape);
        var dxs = Floats(dx, "Conv2dBackwardData dx", g.InputShape);
        using var _ = Observe("conv2d_backward_data", g.Flops, 4.0 * (dy.Count + w.Count + 2 * dx.Count));
        if (UseFastPaths) CpuConvolution.BackwardData(_kernel, Threads, FloatArray(dy), FloatArray(w), FloatArray(dx), g);
        else CpuReference.Conv2dBackwardData(dys, ws, dxs, g);
    }

    public void Conv2dBackwardWeight(Tensor dy, Tensor x, Tensor dw, Tensor? db, Conv2dGeometry g)
    {
        g.Validate();
        var dys = Floats(dy, "Conv2dBackwardWeight dy", g.OutputShape);
        var xs = Floats(x, "Conv2dBackwardWeight input", g.InputShape);
        var dws = Floats(dw, "Conv2dBackwardWeight dw", g.WeightShape);
        var dbs = OptionalFloats(db, "Conv2dBackwardWeight db", [g.OC]);
        using var _ = Observe("conv2d_backward_weight", g.Flops + (db is null ? 0 : dy.Count), 4.0 * (dy.Count + x.Count + 2 * dw.Count + 2 * (db?.Count ?? 0)));
        if (UseFastPaths) CpuConvolution.BackwardWeight(Threads, FloatArray(dy), FloatArray(x), FloatArray(dw), FloatArrayOrNull(db), g);
        else CpuReference.Conv2dBackwardWeight(dys, xs, dws, dbs, g);
    }
}
