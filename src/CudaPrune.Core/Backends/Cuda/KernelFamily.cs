namespace CudaPrune.Core.Backends.Cuda;

/// <summary>
/// One op's kernels: the kernel file (module) they live in, the op's numbered versions and the one that runs by
/// default, and the kernels each version launches (more than one for a multi-stage version). The op is the
/// <see cref="KernelVersions"/> key; <see cref="KernelFamilies"/> holds them all.
/// </summary>
public sealed record KernelFamily(string Module, string Op, IReadOnlyList<int> Versions, int DefaultVersion,
                                  Func<int, IReadOnlyList<string>> KernelsOf)
{
    /// <summary>
    /// Versions 1..<paramref name="versions"/>, each the single kernel <c>op_kernelN</c>, except the
    /// <paramref name="staged"/> versions, which run <c>op_partial_kernelN</c> first.
    /// </summary>
    public static KernelFamily Numbered(string module, string op, int versions, int defaultVersion, params int[] staged) =>
        new(module, op, Enumerable.Range(1, versions).ToList(), defaultVersion,
            v => staged.Contains(v) ? [$"{op}_partial_kernel{v}", $"{op}_kernel{v}"] : [$"{op}_kernel{v}"]);

    /// <summary>Every kernel of every version.</summary>
    public IEnumerable<string> AllKernels => Versions.SelectMany(KernelsOf).Distinct();

    /// <summary>Throws unless <paramref name="version"/> is one of <see cref="Versions"/>.</summary>
    public int Require(int version) => Versions.Contains(version) ? version
        : throw new ArgumentException($"{Op}: kernel version {version} does not exist; versions are {Versions[0]} to {Versions[^1]}");
}
