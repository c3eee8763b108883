using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>
/// Builds a <see cref="KernelCheck"/> from one op body written against <see cref="IBackend"/>: the body
/// runs on the naive CPU reference (<see cref="CpuReference"/> through <c>CpuBackend(useFastPaths: false)</c>)
/// and on the CUDA backend with the checked version and block size, and the outputs are compared.
/// </summary>
/// <remarks>
/// The reference outputs depend on the op and shape only, not on the version or block size, so the last
/// ones are kept and reused by the next check of the same op and shape (check sources list those
/// consecutively): at realistic sizes the naive reference is most of a check's time. Checks with the
/// same op and shape must therefore run the same body.
/// </remarks>
public static class ReferenceCheck
{
    private static readonly Lock Gate = new();
    private static (string Key, CheckOutput[] Outputs)? s_lastReference;

    /// <param name="op">The op (KernelVersions key) whose version and block size are set.</param>
    /// <param name="body">Creates its inputs (from fixed seeds), runs the op, reads the outputs back. Backward
    /// bodies start from non-zero gradients, so a kernel that assigns instead of accumulating fails.</param>
    public static KernelCheck Create(string op, int version, int blockSize, string shape, double atol, double rtol,
        Func<IBackend, CheckOutput[]> body) =>
        new(op, version, blockSize, shape, atol, rtol, cuda =>
        {
            cuda.Versions.Set(op, version);
            if (blockSize > 0) cuda.Versions.SetBlockSize(op, blockSize);
            var expected = Reference($"{op} {shape}", body);
            var actual = RunScoped(cuda, body);
            return OutputComparison.Compare(expected, actual, atol, rtol);
        });

    private static CheckOutput[] Reference(string key, Func<IBackend, CheckOutput[]> body)
    {
        lock (Gate)
        {
            if (s_lastReference is { } last && last.Key == key) return last.Outputs;
        }
        using var cpu = new CpuBackend(useFastPaths: false);
        var outputs = RunScoped(cpu, body);
        lock (Gate) s_lastReference = (key, outputs);
        return outputs;
    }

    // Every tensor the body creates is freed when it returns (device memory goes back to the cache).
    private static CheckOutput[] RunScoped(IBackend backend, Func<IBackend, CheckOutput[]> body)
    {
        using var scope = DisposeScope.Begin();
        return body(backend);
    }
}
