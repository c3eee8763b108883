using CudaPrune.Cuda.Native;
using CudaPrune.Cuda.Runtime;
using static CudaPrune.Cuda.Native.Cublas;

namespace CudaPrune.Cuda.Driver;

/// <summary>
/// A cuBLAS handle bound to a <see cref="CudaGpu"/>'s stream, in pure FP32 (no TF32): the GEMM
/// yardstick our own kernels are measured against.
/// </summary>
public sealed unsafe class CublasHandle : IDisposable
{
    private readonly CudaDevice _device;
    private nint _handle;

    /// <summary>Creates the handle; throws <see cref="CudaLibraryNotFoundException"/> without cuBLAS.</summary>
    public CublasHandle(CudaGpu gpu)
    {
        CudaLibraries.Require(CudaLibrary.Cublas);
        _device = gpu.Device;
        _device.MakeCurrent();
        Check(cublasCreate_v2(out _handle));
        Check(cublasSetStream_v2(_handle, gpu.Stream.Handle));
        Check(cublasSetMathMode(_handle, CublasMath.Default));
    }

    /// <summary>
    /// Row-major <c>C = alpha · op(A) · op(B) + beta · C</c> with op(A) m×k, op(B) k×n, C m×n, all dense
    /// (A is stored k×m when <paramref name="transposeA"/>, B n×k when <paramref name="transposeB"/>).
    /// </summary>
    public void Sgemm(bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, DevicePtr a, DevicePtr b, float beta, DevicePtr c)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        // cuBLAS is column-major, and a row-major matrix read column-major is its transpose:
        // C^T = op(B)^T · op(A)^T, so pass B before A and swap m and n.
        int lda = transposeA ? m : k;
        int ldb = transposeB ? k : n;
        _device.MakeCurrent();
        Check(cublasSgemm_v2(_handle,
            transposeB ? CublasOperation.Transpose : CublasOperation.None,
            transposeA ? CublasOperation.Transpose : CublasOperation.None,
            n, m, k, &alpha, b.Value, ldb, a.Value, lda, &beta, c.Value, n));
    }

    public void Dispose()
    {
        if (_handle == 0 || !_device.IsOpen) return;
        _device.MakeCurrent();
        Check(cublasDestroy_v2(_handle));
        _handle = 0;
    }
}
