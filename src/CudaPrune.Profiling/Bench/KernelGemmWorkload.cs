using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Core.Backends.Cuda.Verification;
using CudaPrune.Core.Tensors;
using CudaPrune.Cuda.Driver;

namespace CudaPrune.Profiling.Bench;

/// <summary>C[M,N] = A[M,K] · B[K,N] (no transposes, alpha 1, beta 0) for our SGEMM versions and cuBLAS.</summary>
public sealed class KernelGemmWorkload : IKernelWorkload
{
    /// <summary>The op name of the cuBLAS yardstick (not a KernelVersions key).</summary>
    public const string CublasOp = "cublas";

    private readonly CudaBackend _backend;
    private readonly CublasHandle? _cublas;
    private readonly int _m, _n, _k;
    private readonly float[] _a, _b;
    private readonly Tensor _ta, _tb, _tc;
    private readonly Dictionary<int, float[]> _referenceRows = [];

    public KernelGemmWorkload(CudaBackend backend, CublasHandle? cublas, int m, int n, int k)
    {
        (_backend, _cublas, _m, _n, _k) = (backend, cublas, m, n, k);
        _a = KernelCheckKit.Uniform(m * k, KernelCheckKit.Seed(m, n, k));
        _b = KernelCheckKit.Uniform(k * n, KernelCheckKit.Seed(m, n, k) + 1);
        _ta = backend.FromArray(_a, [m, k]);
        _tb = backend.FromArray(_b, [k, n]);
        _tc = backend.Zeros([m, n]);
    }

    public void Run(string op)
    {
        if (op == CublasOp)
            (_cublas ?? throw new InvalidOperationException("no cuBLAS handle: cuBLAS is only timed on a CUDA device"))
                .Sgemm(false, false, _m, _n, _k, 1f, _ta.Ptr, _tb.Ptr, 0f, _tc.Ptr);
        else _backend.Gemm(false, false, _m, _n, _k, 1f, _ta, _tb, 0f, _tc);
    }

    /// <summary>Rows 0, 1, M/2 + 1 and M - 1 of C (every column tile, several row tiles) against CpuReference.Gemm.</summary>
    public KernelCheckResult Validate(string op)
    {
        _backend.Fill(_tc, float.NaN); // beta = 0: every element must be written
        Run(op);
        var c = _backend.ToFloatArray(_tc);
        var rows = new[] { 0, 1, _m / 2 + 1, _m - 1 }.Where(r => r < _m).Distinct().ToArray();
        var actual = rows.SelectMany(r => c.AsSpan(r * _n, _n).ToArray()).ToArray();
        var expected = rows.SelectMany(ReferenceRow).ToArray();
        return KernelCheckKit.Compare(actual, expected, KernelCheckKit.SumTolerance(_k), KernelCheckKit.SumRelativeTolerance);
    }

    private float[] ReferenceRow(int row)
    {
        if (_referenceRows.TryGetValue(row, out var cached)) return cached;
        var result = new float[_n];
        CpuReference.Gemm(false, false, 1, _n, _k, 1f, _a.AsSpan(row * _k, _k), _b, 0f, result);
        return _referenceRows[row] = result;
    }

    public void Dispose()
    {
        _ta.Dispose();
        _tb.Dispose();
        _tc.Dispose();
    }
}
