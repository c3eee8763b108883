using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Cuda.Driver;

namespace CudaPrune.Core.Backends;

/// <summary>Creates the backend a <c>--device</c> option names: auto, cpu, cuda (or cuda:N), emulated.</summary>
public static class BackendFactory
{
    public static readonly string[] DeviceNames = ["auto", "cpu", "cuda", "emulated"];

    /// <summary>
    /// "auto" takes the first CUDA device when a driver and device exist, else the CPU (and says why in
    /// <paramref name="note"/>); "cuda" fails with the reason when there is none.
    /// </summary>
    public static IBackend Create(string device, out string note)
    {
        note = "";
        var d = device.Trim().ToLowerInvariant();
        switch (d)
        {
            case "cpu":
                return new CpuBackend();
            case "auto":
                if (CudaGpu.TryCreate(0, out var autoGpu, out var reason)) return new CudaBackend(autoGpu);
                note = $"no usable CUDA device ({reason}); using the CPU backend";
                return new CpuBackend();
            case "emulated":
                return new CudaBackend(EmulatedGpuFactory.Create());
        }
        if (d == "cuda" || d.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int ordinal = d == "cuda" ? 0 : int.TryParse(d[5..], out var n) && n >= 0 ? n
                : throw new ArgumentException($"--device {device}: expected cuda or cuda:N with N a device number");
            if (!CudaGpu.TryCreate(ordinal, out var gpu, out var why))
                throw new InvalidOperationException($"--device {device}: {why}");
            return new CudaBackend(gpu);
        }
        throw new ArgumentException($"unknown device '{device}': expected one of {string.Join(", ", DeviceNames)} (or cuda:N)");
    }
}
