using CudaPrune.Core.Backends.Cuda;

namespace CudaPrune.Profiling.Bench;

/// <summary>One row of <c>bench kernels</c>: one kernel version (or cuBLAS) of one op at one shape.</summary>
/// <param name="Family">"gemm" or "conv".</param>
/// <param name="Op">The <see cref="KernelVersions"/> key, or <see cref="KernelGemmWorkload.CublasOp"/>.</param>
/// <param name="Version">The kernel version; 0 for cuBLAS.</param>
/// <param name="Kernel">The kernel that runs, e.g. conv2d_forward_kernel2_bm64_bn128, sgemm_kernel3, cublasSgemm.</param>
/// <param name="Source">Where the shape comes from: "resnet20 layer1.0.conv1", "square".</param>
/// <param name="Batch">The batch size (0 for a GEMM).</param>
/// <param name="Shape">The shape, readable.</param>
/// <param name="ShapeKey">The shape as bench/pytorch_reference.py writes it, to join the two.</param>
/// <param name="Flops">Useful floating-point operations of one run.</param>
/// <param name="Bytes">Minimal DRAM traffic of one run: every input read once, every output written once (read too where accumulated).</param>
/// <param name="Select">Selects the version (and tile) on the backend; the runner resets the selection afterwards.</param>
public sealed record KernelBenchCase(string Family, string Op, int Version, string Kernel, string Source, int Batch, string Shape,
    string ShapeKey, double Flops, double Bytes, Action<CudaBackend> Select);

/// <summary>Cases that share one workload (one shape's tensors), created when the group runs and disposed after.</summary>
public sealed record KernelBenchGroup(string Name, Func<IKernelWorkload> CreateWorkload, IReadOnlyList<KernelBenchCase> Cases);
