using CudaPrune.Core.Tensors;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends.Cuda;

// kernels/pooling.cu: max, average and global average pooling; x[N,C,H,W], y[N,C,OH,OW].
public sealed partial class CudaBackend
{
    private const string PoolingModule = "pooling";

    public Tensor MaxPool2dForward(Tensor x, Pool2dGeometry g, out Tensor argmax)
    {
        ValidatePooling(g, "MaxPool2dForward");
        RequireShape(x, g.InputShape, "MaxPool2dForward input");
        var y = Empty(g.OutputShape);
        argmax = Empty(g.OutputShape, DType.Int32);
        const string op = "max_pool2d_forward";
        int version = VersionOf(op), block = BlockSizeOf(op);
        var a = new KernelArgs();
        a.Add(y.Ptr); a.Add(argmax.Ptr); a.Add(x.Ptr);
        AddGeometry(ref a, g);
        Launch(KernelOf(PoolingModule, op, version), GridStrideBlocks(y.Count, block), block, 0, ref a,
            flops: (double)y.Count * g.K * g.K, bytes: 4.0 * (x.Count + 2 * y.Count));
        return y;
    }

    /// <remarks>An argmax entry outside its plane (the forward never writes one) is skipped: the device cannot report it without a host wait.</remarks>
    public void MaxPool2dBackward(Tensor dy, Tensor argmax, Tensor dx, Pool2dGeometry g)
    {
        ValidatePooling(g, "MaxPool2dBackward");
        RequireShape(dy, g.OutputShape, "MaxPool2dBackward dy");
        RequireShape(argmax, g.OutputShape, "MaxPool2dBackward argmax", DType.Int32);
        RequireShape(dx, g.InputShape, "MaxPool2dBackward dx");
        const string op = "max_pool2d_backward";
        int version = VersionOf(op), block = BlockSizeOf(op);
        var a = new KernelArgs();
        a.Add(dx.Ptr); a.Add(dy.Ptr); a.Add(argmax.Ptr);
        long threads;
        if (version == 1)
        {
            // one thread per output, scattering with atomics
            a.Add(g.N * g.C); a.Add(g.H * g.W); a.Add(g.OH * g.OW);
            threads = dy.Count;
        }
        else
        {
            // one thread per input cell, gathering
            AddGeometry(ref a, g);
            threads = dx.Count;
        }
        Launch(KernelOf(PoolingModule, op, version), GridStrideBlocks(threads, block), block, 0, ref a,
            flops: dy.Count, bytes: 4.0 * (2 * dy.Count + 2 * dx.Count));
    }

    public Tensor AvgPool2dForward(Tensor x, Pool2dGeometry g)
    {
        ValidatePooling(g, "AvgPool2dForward");
        RequireShape(x, g.InputShape, "AvgPool2dForward input");
        var y = Empty(g.OutputShape);
        const string op = "avg_pool2d_forward";
        int version = VersionOf(op), block = BlockSizeOf(op);
        var a = new KernelArgs();
        a.Add(y.Ptr); a.Add(x.Ptr);
        AddGeometry(ref a, g);
        Launch(KernelOf(PoolingModule, op, version), GridStrideBlocks(y.Count, block), block, 0, ref a,
            flops: (double)y.Count * g.K * g.K, bytes: 4.0 * (x.Count + y.Count));
        return y;
    }

    public void AvgPool2dBackward(Tensor dy, Tensor dx, Pool2dGeometry g)
    {
        ValidatePooling(g, "AvgPool2dBackward");
        RequireShape(dy, g.OutputShape, "AvgPool2dBackward dy");
        RequireShape(dx, g.InputShape, "AvgPool2dBackward dx");
        const string op = "avg_pool2d_backward";
        int version = VersionOf(op), block = BlockSizeOf(op);
        var a = new KernelArgs();
        a.Add(dx.Ptr); a.Add(dy.Ptr);
        AddGeometry(ref a, g);
        Launch(KernelOf(PoolingModule, op, version), GridStrideBlocks(dx.Count, block), block, 0, ref a,
            flops: (double)dy.Count * g.K * g.K, bytes: 4.0 * (dy.Count + 2 * dx.Count));
    }

    public Tensor GlobalAvgPoolForward(Tensor x)
    {
        Require(x, "GlobalAvgPoolForward input");
        RequireRank(x, 4, "GlobalAvgPoolForward input");
        int N = x.Dim(0), C = x.Dim(1), HW = x.Dim(2) * x.Dim(3);
        var y = Empty([N, C]);
        const string op = "global_avg_pool_forward";
        int version = VersionOf(op), block = BlockSizeOf(op);
        var a = new KernelArgs();
        a.Add(y.Ptr); a.Add(x.Ptr); a.Add(y.Count); a.Add(HW);
        long threads = version == 2 ? 32 * y.Count : y.Count; // version 2: a warp per plane
        Launch(KernelOf(PoolingModule, op, version), GridStrideBlocks(threads, block), block, 0, ref a,
            flops: x.Count, bytes: 4.0 * (x.Count + y.Count));
        return y;
    }

    public void GlobalAvgPoolBackward(Tensor dy, Tensor dx)
    {
        Require(dx, "GlobalAvgPoolBackward dx");
        RequireRank(dx, 4, "GlobalAvgPoolBackward dx");
        RequireShape(dy, [dx.Dim(0), dx.Dim(1)], "GlobalAvgPoolBackward dy");
        int n = RequireInt32Range(dx.Count, "GlobalAvgPoolBackward dx");
        const string op = "global_avg_pool_backward";
        int version = VersionOf(op), block = BlockSizeOf(op);
        var a = new KernelArgs();
        a.Add(dx.Ptr); a.Add(dy.Ptr); a.Add(dx.Dim(2) * dx.Dim(3)); a.Add(n);
        Launch(KernelOf(PoolingModule, op, version), GridStrideBlocks(dx.Count, block), block, 0, ref a,
            flops: dx.Count, bytes: 4.0 * (dy.Count + 2 * dx.Count));
    }

    // The windowed kernels index input and output with 32-bit ints.
    private static void ValidatePooling(Pool2dGeometry g, string op)
    {
        g.Validate();
        RequireInt32Range(Shapes.Count(g.InputShape), $"{op} input {Shapes.Format(g.InputShape)}");
        RequireInt32Range(Shapes.Count(g.OutputShape), $"{op} output {Shapes.Format(g.OutputShape)}");
    }

    // N, C, H, W, K, S, P, OH, OW: the tail of every windowed pooling kernel's arguments.
    private static void AddGeometry(ref KernelArgs a, Pool2dGeometry g)
    {
        a.Add(g.N); a.Add(g.C); a.Add(g.H); a.Add(g.W); a.Add(g.K); a.Add(g.Stride); a.Add(g.Padding); a.Add(g.OH); a.Add(g.OW);
    }
}
