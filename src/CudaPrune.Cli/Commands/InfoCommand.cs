using System.CommandLine;
using CudaPrune.Cuda.Diagnostics;
using CudaPrune.Cuda.Driver;
using CudaPrune.Cuda.Native;

namespace CudaPrune.Cli.Commands;

/// <summary><c>cudaprune info [--smoke]</c>: .NET, the CUDA driver and devices, NVRTC, cuBLAS and the kernel cache; optionally a kernel smoke test on device 0.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var smoke = new Option<bool>("--smoke")
        {
            Description = "Also compile, launch and check a kernel on CUDA device 0 (skipped without a device).",
        };
        var cmd = new Command("info", "Show the .NET runtime, CUDA driver and devices, NVRTC, cuBLAS and the kernel cache.") { smoke };
        cmd.SetAction(parse =>
        {
            Console.Write(CudaInfo.Collect().ToText());
            return parse.GetValue(smoke) ? RunSmokeTest() : 0;
        });
        return cmd;
    }

    private static int RunSmokeTest()
    {
        Console.WriteLine("Smoke test");
        if (!CudaGpu.TryCreate(0, out var gpu, out string reason))
        {
            // The info above already lists the driver search; one short reason is enough here.
            Console.WriteLine("  skipped: no CUDA device: " + (CudaLibraries.TryLoadDriver(out _) ? reason : "no CUDA driver found"));
            return 0;
        }
        using (gpu)
        {
            try
            {
                Console.WriteLine($"  on {gpu} with kernels built for {gpu.Arch}");
                var result = GpuSmokeTest.Run(gpu);
                foreach (string line in result.Lines) Console.WriteLine("  " + line);
                return result.Passed ? 0 : 1;
            }
            catch (CudaException e)
            {
                Console.WriteLine("  smoke test FAILED: " + e.Message);
                return 1;
            }
        }
    }
}
