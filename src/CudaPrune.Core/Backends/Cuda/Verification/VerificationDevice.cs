using CudaPrune.Cuda.Driver;
using CudaPrune.Cuda.Emulation;

namespace CudaPrune.Core.Backends.Cuda.Verification;

/// <summary>Opens the device a verification runs on: CUDA device 0, or the kernel emulator.</summary>
public static class VerificationDevice
{
    public static readonly string[] Names = ["cuda", "emulated"];

    /// <summary>
    /// Opens <paramref name="device"/>: "cuda", "emulated", or null (cuda when a device is usable, else
    /// emulated, with the reason in <paramref name="note"/>). <paramref name="reopen"/> opens the same kind
    /// of device afresh (after a check crashed). Throws <see cref="InvalidOperationException"/> with one
    /// clear reason when the device cannot be opened.
    /// </summary>
    public static CudaBackend Open(string? device, out string note, out Func<CudaBackend> reopen)
    {
        note = "";
        switch (device?.Trim().ToLowerInvariant())
        {
            case null or "":
                if (CudaGpu.TryCreate(0, out var found, out var reason))
                {
                    reopen = OpenCuda;
                    return new CudaBackend(found);
                }
                note = $"no usable CUDA device ({reason}); verifying on the kernel emulator";
                reopen = OpenEmulated;
                return OpenEmulated();
            case "cuda":
                reopen = OpenCuda;
                return OpenCuda();
            case "emulated":
                reopen = OpenEmulated;
                return OpenEmulated();
            default:
                throw new ArgumentException($"--device {device}: verify runs on {string.Join(" or ", Names)}");
        }
    }

    private static CudaBackend OpenCuda() =>
        CudaGpu.TryCreate(0, out var gpu, out var reason)
            ? new CudaBackend(gpu)
            : throw new InvalidOperationException($"cannot open CUDA device 0: {reason}");

    // Builds the emulator (or finds it in the cache) now, so a missing g++ is one clear error, not a failure per check.
    private static CudaBackend OpenEmulated()
    {
        var gpu = new EmulatedGpu();
        try
        {
            _ = gpu.Kernels;
        }
        catch (EmulatorBuildException e)
        {
            gpu.Dispose();
            throw new InvalidOperationException($"cannot open the emulated device: {e.Message}", e);
        }
        return new CudaBackend(gpu);
    }
}
