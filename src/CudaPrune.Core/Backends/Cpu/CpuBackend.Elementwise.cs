using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cpu;

public sealed partial class CpuBackend
{
    public Tensor ReluForward(Tensor x)
    {
        var xs = Floats(x, "ReluForward input");
        var y = Empty(x.Shape);
        using var _ = Observe("relu_forward", x.Count, 8.0 * x.Count);
        if (UseFastPaths) CpuElementwise.ReluForward(Threads, FloatArray(x), FloatArray(y), xs.Length);
        else CpuReference.ReluForward(xs, y.Span<float>());
        return y;
    }

    public void ReluBackward(Tensor dy, Tensor y, Tensor dx)
    {
        var ys = Floats(y, "ReluBackward y");
        var dys = Floats(dy, "ReluBackward dy", y.Shape);
        var dxs = Floats(dx, "ReluBackward dx");
        RequireCount(dx, y.Count, "ReluBackward dx");
        using var _ = Observe("relu_backward", y.Count, 16.0 * y.Count);
        if (UseFastPaths) CpuElementwise.ReluBackward(Threads, FloatArray(dy), FloatArray(y), FloatArray(dx), ys.Length);
        else CpuReference.ReluBackward(dys, ys, dxs);
    }

    public Tensor Add(Tensor a, Tensor b)
    {
        var sa = Floats(a, "Add a");
        var sb = Floats(b, "Add b", a.Shape);
        var y = Empty(a.Shape);
        using var _ = Observe("add", a.Count, 12.0 * a.Count);
        if (UseFastPaths) CpuElementwise.Add(Threads, FloatArray(a), FloatArray(b), FloatArray(y), sa.Length);
        else CpuReference.Add(sa, sb, y.Span<float>());
        return y;
    }

    public void AddInPlace(Tensor dst, Tensor src, float alpha = 1f)
    {
        var d = Floats(dst, "AddInPlace destination");
        var s = Floats(src, "AddInPlace source");
        RequireCount(src, dst.Count, "AddInPlace source");
        using var _ = Observe("add_in_place", 2.0 * dst.Count, 12.0 * dst.Count);
        if (UseFastPaths) CpuElementwise.AddInPlace(Threads, FloatArray(dst), FloatArray(src), alpha, d.Length);
        else CpuReference.AddInPlace(d, s, alpha);
    }

    public void Scale(Tensor t, float alpha)
    {
        var s = Floats(t, "Scale");
        using var _ = Observe("scale", t.Count, 8.0 * t.Count);
        if (UseFastPaths) CpuElementwise.Scale(Threads, FloatArray(t), alpha, s.Length);
        else CpuReference.Scale(s, alpha);
    }

    public void AddL1Subgradient(Tensor grad, Tensor param, float lambda)
    {
        var p = Floats(param, "AddL1Subgradient param");
        var g = Floats(grad, "AddL1Subgradient grad", param.Shape);
        using var _ = Observe("add_l1_subgradient", 2.0 * param.Count, 12.0 * param.Count);
        if (UseFastPaths) CpuElementwise.AddL1Subgradient(Threads, FloatArray(grad), FloatArray(param), lambda, p.Length);
        else CpuReference.AddL1Subgradient(g, p, lambda);
    }
}
