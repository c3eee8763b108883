using CudaPrune.Core.Tensors;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends.Cuda;

// kernels/elementwise.cu: flat float arrays; version 2 (float4 loads and stores) is the default.
public sealed partial class CudaBackend
{
    private const string ElementwiseModule = "elementwise";

    public Tensor ReluForward(Tensor x)
    {
        Require(x, "ReluForward input");
        var y = Empty(x.Shape);
        var a = new KernelArgs();
        a.Add(y.Ptr); a.Add(x.Ptr); a.Add(x.Count);
        LaunchElementwise("relu_forward", x.Count, flopsPerElement: 1, floatsMovedPerElement: 2, ref a);
        return y;
    }

    public void ReluBackward(Tensor dy, Tensor y, Tensor dx)
    {
        Require(y, "ReluBackward y");
        RequireShape(dy, y.Shape, "ReluBackward dy");
        Require(dx, "ReluBackward dx");
        RequireCount(dx, y.Count, "ReluBackward dx");
        var a = new KernelArgs();
        a.Add(dx.Ptr); a.Add(dy.Ptr); a.Add(y.Ptr); a.Add(y.Count);
        LaunchElementwise("relu_backward", y.Count, flopsPerElement: 1, floatsMovedPerElement: 4, ref a);
    }

    public Tensor Add(Tensor a, Tensor b)
    {
        Require(a, "Add a");
        RequireShape(b, a.Shape, "Add b");
        var y = Empty(a.Shape);
        var k = new KernelArgs();
        k.Add(y.Ptr); k.Add(a.Ptr); k.Add(b.Ptr); k.Add(a.Count);
        LaunchElementwise("add", a.Count, flopsPerElement: 1, floatsMovedPerElement: 3, ref k);
        return y;
    }

    public void AddInPlace(Tensor dst, Tensor src, float alpha = 1f)
    {
        Require(dst, "AddInPlace destination");
        Require(src, "AddInPlace source");
        RequireCount(src, dst.Count, "AddInPlace source");
        var a = new KernelArgs();
        a.Add(dst.Ptr); a.Add(src.Ptr); a.Add(alpha); a.Add(dst.Count);
        LaunchElementwise("add_in_place", dst.Count, flopsPerElement: 2, floatsMovedPerElement: 3, ref a);
    }

    public void Scale(Tensor t, float alpha)
    {
        Require(t, "Scale");
        var a = new KernelArgs();
        a.Add(t.Ptr); a.Add(t.Ptr); a.Add(alpha); a.Add(t.Count);
        LaunchElementwise("scale", t.Count, flopsPerElement: 1, floatsMovedPerElement: 2, ref a);
    }

    public void AddL1Subgradient(Tensor grad, Tensor param, float lambda)
    {
        Require(param, "AddL1Subgradient param");
        RequireShape(grad, param.Shape, "AddL1Subgradient grad");
        var a = new KernelArgs();
        a.Add(grad.Ptr); a.Add(param.Ptr); a.Add(lambda); a.Add(param.Count);
        LaunchElementwise("add_l1_subgradient", param.Count, flopsPerElement: 2, floatsMovedPerElement: 3, ref a);
    }

    // Version 2 covers four elements per thread, so it needs a quarter of the threads.
    private void LaunchElementwise(string op, long n, double flopsPerElement, int floatsMovedPerElement, ref KernelArgs args)
    {
        int version = VersionOf(op);
        int block = BlockSizeOf(op);
        long threads = version == 2 ? (n + 3) / 4 : n;
        Launch(KernelOf(ElementwiseModule, op, version), GridStrideBlocks(threads, block), block, 0, ref args,
            flops: flopsPerElement * n, bytes: 4.0 * floatsMovedPerElement * n);
    }
}
