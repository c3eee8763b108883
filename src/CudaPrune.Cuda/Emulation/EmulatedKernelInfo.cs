using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Cuda.Emulation;

/// <summary>A kernel of an emulator build, as its generated table describes it.</summary>
/// <param name="Index">Its number in the library (the <see cref="GpuKernel.Handle"/> of its kernels).</param>
/// <param name="Name">The kernel's name.</param>
/// <param name="Module">Its file, kernels/&lt;Module&gt;.cu.</param>
/// <param name="ArgSizes">The size in bytes of each parameter, from the kernel's signature.</param>
/// <param name="ArgNames">Each parameter's name from the declaration ("" when it has none), for messages.</param>
/// <param name="MaxThreadsPerBlock">From <c>__launch_bounds__</c>; 0 when it has none.</param>
/// <param name="StaticSharedBytes">The bytes of its static <c>__shared__</c> variables.</param>
public sealed record EmulatedKernelInfo(int Index, string Name, string Module, IReadOnlyList<int> ArgSizes, IReadOnlyList<string> ArgNames, int MaxThreadsPerBlock, int StaticSharedBytes);

/// <summary>A kernel of the sources that the emulator build leaves out (tensor-core code, say), and why.</summary>
public sealed record GpuOnlyKernel(string Name, string Module, string Reason);
