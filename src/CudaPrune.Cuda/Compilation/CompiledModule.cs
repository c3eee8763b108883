namespace CudaPrune.Cuda.Compilation;

/// <summary>One compiled kernel file, ready for <c>cuModuleLoadData</c>.</summary>
/// <param name="ModuleName">The file's name without ".cu".</param>
/// <param name="Arch">The target ("sm_90", "compute_80").</param>
/// <param name="Kind">PTX or CUBIN.</param>
/// <param name="Image">The PTX (NUL-terminated) or CUBIN bytes.</param>
/// <param name="FromCache">True when read from the disk cache rather than compiled now.</param>
/// <param name="CachePath">The cache file, or null when there is no cache (or it could not be written).</param>
/// <param name="Log">NVRTC's log (warnings); empty when read from the cache.</param>
public sealed record CompiledModule(string ModuleName, string Arch, KernelImageKind Kind, byte[] Image, bool FromCache, string? CachePath, string Log);
