namespace CudaPrune.Cuda.Emulation;

/// <summary>The emulator could not be built: g++ is missing, or it rejected a source (its output is in the message).</summary>
public sealed class EmulatorBuildException(string message) : Exception(message);

/// <summary>An emulated kernel failed while it ran: a deadlock at a barrier, diverged warp collectives, <c>__trap()</c>, a write past its dynamic shared memory.</summary>
public sealed class EmulatedKernelException(string message) : Exception(message);

/// <summary>The kernel exists for the GPU only (tensor-core code behind <c>CUDAPRUNE_HAS_MMA</c>); the message says why.</summary>
public sealed class EmulatorUnsupportedKernelException(string message) : NotSupportedException(message);
