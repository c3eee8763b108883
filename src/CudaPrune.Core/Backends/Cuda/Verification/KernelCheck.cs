namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>
/// One validation: one kernel version (and block size) at one shape, run on the CUDA backend (real or
/// emulated) and compared with the CPU reference, passing when every element satisfies
/// |out - ref| ≤ Atol + Rtol·|ref|.
/// </summary>
/// <param name="Op">The op (the KernelVersions key), e.g. "conv2d_forward".</param>
/// <param name="Version">The kernel version checked.</param>
/// <param name="BlockSize">Threads per block, or 0 where the kernel fixes it.</param>
/// <param name="Shape">The shape, readable ("N=3 C=5 H=7 ...").</param>
/// <param name="Atol">Absolute tolerance.</param>
/// <param name="Rtol">Relative tolerance.</param>
/// <param name="Run">Runs the check: sets the version on the backend, computes both sides, compares.</param>
/// <param name="NeedsMma">True for tensor-core versions, which the emulator skips.</param>
public sealed record KernelCheck(string Op, int Version, int BlockSize, string Shape, double Atol, double Rtol,
    Func<CudaBackend, KernelCheckResult> Run, bool NeedsMma = false)
{
    public string Kernel => $"{Op}_kernel{Version}";

    public override string ToString() => $"{Kernel} [{(BlockSize > 0 ? $"block {BlockSize}, " : "")}{Shape}]";
}

/// <summary>Outcome of a <see cref="KernelCheck"/>: the largest errors and whether all elements were within tolerance.</summary>
public sealed record KernelCheckResult(double MaxAbsError, double MaxRelError, bool Passed, string? Note = null);

/// <summary>A family of kernels' checks (one per kernel file); <see cref="KernelCheckCatalog"/> collects them.</summary>
public interface IKernelCheckSource
{
    /// <summary>Every version × block size × shape of the family; <paramref name="quick"/> keeps shapes small (for the emulator).</summary>
    IEnumerable<KernelCheck> Checks(bool quick);
}
