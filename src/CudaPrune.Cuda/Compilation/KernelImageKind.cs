namespace CudaPrune.Cuda.Compilation;

/// <summary>What NVRTC produced: PTX text (for a virtual compute_XX, JIT-compiled by the driver) or a CUBIN (for a real sm_XX).</summary>
public enum KernelImageKind
{
    Ptx,
    Cubin,
}
