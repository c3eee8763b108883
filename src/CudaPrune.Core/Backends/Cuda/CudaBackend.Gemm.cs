using CudaPrune.Core.Tensors;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Core.Backends.Cuda;

// SGEMM, the linear layers and the bias kernels: kernels/gemm.cu.
public sealed partial class CudaBackend
{
    // x[N,IN], w[OUT,IN], b[OUT], y[N,OUT]

    public Tensor LinearForward(Tensor x, Tensor w, Tensor? b)
    {
        var (n, inputs, outputs) = LinearShape(x, w, "LinearForward");
        if (b is not null) RequireShape(b, [outputs], "LinearForward bias");
        var y = Empty([n, outputs]);
        LaunchGemm(false, true, n, outputs, inputs, 1f, x.Ptr, w.Ptr, 0f, y.Ptr); // y = x · wᵀ
        if (b is not null) LaunchBiasForward(y.Ptr, b.Ptr, n, outputs, 1);
        return y;
    }

    public void LinearBackward(Tensor dy, Tensor x, Tensor w, Tensor? dx, Tensor? dw, Tensor? db)
    {
        var (n, inputs, outputs) = LinearShape(x, w, "LinearBackward");
        RequireShape(dy, [n, outputs], "LinearBackward dy");
        if (dx is not null) RequireShape(dx, [n, inputs], "LinearBackward dx");
        if (dw is not null) RequireShape(dw, [outputs, inputs], "LinearBackward dw");
        if (db is not null) RequireShape(db, [outputs], "LinearBackward db");
        if (dx is not null) LaunchGemm(false, false, n, inputs, outputs, 1f, dy.Ptr, w.Ptr, 1f, dx.Ptr); // dx += dy · w
        if (dw is not null) LaunchGemm(true, false, outputs, inputs, n, 1f, dy.Ptr, x.Ptr, 1f, dw.Ptr);  // dw += dyᵀ · x
        if (db is not null) LaunchBiasBackward(db.Ptr, dy.Ptr, n, outputs, 1);
    }

    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, Tensor a, Tensor b, float beta, Tensor c)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"Gemm: negative size m={m} n={n} k={k}");
        Require(a, "Gemm A");
        Require(b, "Gemm B");
        Require(c, "Gemm C");
        RequireCount(a, (long)m * k, $"Gemm A ({(transA ? $"[{k},{m}]" : $"[{m},{k}]")})");
        RequireCount(b, (long)k * n, $"Gemm B ({(transB ? $"[{n},{k}]" : $"[{k},{n}]")})");
        RequireCount(c, (long)m * n, $"Gemm C ([{m},{n}])");
        LaunchGemm(transA, transB, m, n, k, alpha, a.Ptr, b.Ptr, beta, c.Ptr);
    }

    /// <summary>Row-major C[m,n] = alpha · op(A) · op(B) + beta · C on dense operands, with the version <see cref="Versions"/> selects.</summary>
    internal void LaunchGemm(bool transA, bool transB, int m, int n, int k, float alpha, DevicePtr a, DevicePtr b, float beta, DevicePtr c)
    {
        if (m == 0 || n == 0) return;
        int version = VersionOf(GemmKernels.Gemm);
        double flops = 2.0 * m * n * k;
        double bytes = 4.0 * ((double)m * k + (double)k * n + (beta == 0f ? 1.0 : 2.0) * m * n);
        var args = new KernelArgs();
        args.Add(c); args.Add(a); args.Add(b);
        args.Add(m); args.Add(n); args.Add(k);
        args.Add(alpha); args.Add(beta);
        args.Add(transA ? 1 : 0); args.Add(transB ? 1 : 0);
        switch (version)
        {
            case 1:
                int threads = Versions.BlockSize(GemmKernels.Gemm, GemmKernels.NaiveBlockSize);
                int rows = threads / 32;
                Launch(Kernel(GemmKernels.Module, GemmKernels.Gemm + "_kernel1"), new Dim3((uint)Dim3.CeilDiv(n, 32), (uint)Dim3.CeilDiv(m, rows)),
                    new Dim3(32, (uint)rows), 0, ref args, flops, bytes);
                break;
            case 2:
                Launch(Kernel(GemmKernels.Module, GemmKernels.Gemm + "_kernel2"), new Dim3((uint)Dim3.CeilDiv(n, 32), (uint)Dim3.CeilDiv(m, 32)),
                    new Dim3(32, 8), 0, ref args, flops, bytes);
                break;
            case 3:
                args.Add((int)GemmVectorFlags(transA, transB, m, n, k, a, b, c));
                int tile = GemmKernels.TiledBlockTile;
                Launch(Kernel(GemmKernels.Module, GemmKernels.Gemm + "_kernel3"), new Dim3((uint)Dim3.CeilDiv(n, tile), (uint)Dim3.CeilDiv(m, tile)),
                    256, 0, ref args, flops, bytes);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(Versions), version, $"{GemmKernels.Gemm} has versions {string.Join(", ", GemmKernels.GemmVersions)}");
        }
    }

    // Which operands sgemm_kernel3 may move as float4s: rows of a multiple of 4 floats from a 16-byte aligned base.
    private static GemmKernels.VectorFlags GemmVectorFlags(bool transA, bool transB, int m, int n, int k, DevicePtr a, DevicePtr b, DevicePtr c)
    {
        static bool Rows4(DevicePtr p, int rowLength) => p.Value % 16 == 0 && rowLength % 4 == 0;
        var flags = GemmKernels.VectorFlags.None;
        if (Rows4(a, transA ? m : k)) flags |= GemmKernels.VectorFlags.A;
        if (Rows4(b, transB ? k : n)) flags |= GemmKernels.VectorFlags.B;
        if (Rows4(c, n)) flags |= GemmKernels.VectorFlags.C;
        return flags;
    }

    /// <summary>y[n,c,p] += b[c] over y[N,C,P].</summary>
    internal void LaunchBiasForward(DevicePtr y, DevicePtr b, int n, int channels, int plane)
    {
        long count = (long)n * channels * plane;
        var args = new KernelArgs();
        args.Add(y); args.Add(b); args.Add(n); args.Add(channels); args.Add(plane);
        int threads = Versions.BlockSize(GemmKernels.BiasForward, GemmKernels.BiasBlockSize);
        Launch(Kernel(GemmKernels.Module, GemmKernels.BiasForward + "_kernel1"), GridStrideBlocks(count, threads), threads, 0, ref args,
            count, 4.0 * (2 * count + channels));
    }

    /// <summary>db[c] += Σ_{n,p} dy[n,c,p] over dy[N,C,P]: one block per channel.</summary>
    internal void LaunchBiasBackward(DevicePtr db, DevicePtr dy, int n, int channels, int plane)
    {
        long count = (long)n * channels * plane;
        var args = new KernelArgs();
        args.Add(db); args.Add(dy); args.Add(n); args.Add(channels); args.Add(plane);
        Launch(Kernel(GemmKernels.Module, GemmKernels.BiasBackward + "_kernel1"), channels, GemmKernels.BiasBlockSize, 0, ref args,
            count, 4.0 * (count + 2 * channels));
    }

    private (int N, int In, int Out) LinearShape(Tensor x, Tensor w, string op)
    {
        Require(x, $"{op} input");
        Require(w, $"{op} weight");
        if (x.Rank != 2) throw new ArgumentException($"{op} input: expected [N,IN], got {Shapes.Format(x.Shape)}");
        if (w.Rank != 2) throw new ArgumentException($"{op} weight: expected [OUT,IN], got {Shapes.Format(w.Shape)}");
        if (w.Dim(1) != x.Dim(1)) throw new ArgumentException($"{op}: input {Shapes.Format(x.Shape)} has {x.Dim(1)} features but weight {Shapes.Format(w.Shape)} expects {w.Dim(1)}");
        return (x.Dim(0), x.Dim(1), w.Dim(0));
    }
}
