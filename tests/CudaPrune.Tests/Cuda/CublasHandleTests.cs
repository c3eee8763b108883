using CudaPrune.Cuda.Driver;
using CudaPrune.Cuda.Native;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Tests.Cuda;

[Category("Gpu")]
[NonParallelizable]
public class CublasHandleTests
{
    private CudaGpu _gpu = null!;

    [OneTimeSetUp]
    public void OpenDevice()
    {
        _gpu = Requirements.Gpu();
        if (!CudaLibraries.TryLoadCublas(out string reason))
        {
            _gpu.Dispose();
            Assert.Ignore("no cuBLAS: " + reason);
        }
    }

    [OneTimeTearDown]
    public void CloseDevice() => _gpu?.Dispose();

    [Test]
    public void RowMajorSgemmMatchesTheHostProduct([Values] bool transposeA, [Values] bool transposeB)
    {
        const int m = 5, n = 7, k = 3;
        var random = new Random(42);
        // Stored shapes: A is m×k (k×m when transposed), B is k×n (n×k when transposed), all row-major.
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] c = Enumerable.Range(0, m * n).Select(_ => (float)random.NextDouble()).ToArray();
        float A(int i, int p) => transposeA ? a[p * m + i] : a[i * k + p];
        float B(int p, int j) => transposeB ? b[j * k + p] : b[p * n + j];
        var expected = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++) sum += A(i, p) * B(p, j);
                expected[i * n + j] = (float)(2 * sum + 0.5 * c[i * n + j]);
            }
        using var da = DeviceBuffer.FromHost<float>(_gpu, a);
        using var db = DeviceBuffer.FromHost<float>(_gpu, b);
        using var dc = DeviceBuffer.FromHost<float>(_gpu, c);
        using var blas = new CublasHandle(_gpu);

        blas.Sgemm(transposeA, transposeB, m, n, k, alpha: 2f, da.Ptr, db.Ptr, beta: 0.5f, dc.Ptr);

        Assert.That(dc.ToArray<float>(), Is.EqualTo(expected).Within(1e-5f));
    }
}
