using System.CommandLine;
using CudaPrune.Cli.Options;
using CudaPrune.Cuda.Diagnostics;
using CudaPrune.Cuda.Driver;
using CudaPrune.Cuda.Native;

namespace CudaPrune.Cli.Commands;

/// <summary><c>cudaprune info [--smoke] [--json]</c>: .NET, the CUDA driver and devices, NVRTC, cuBLAS and the kernel cache; optionally a kernel smoke test on device 0.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var smoke = new Option<bool>("--smoke")
        {
            Description = "Also compile, launch and check a kernel on CUDA device 0 (skipped without a device).",
        };
        var json = JsonOption.Create("the same facts");
        var cmd = new Command("info", "Show the .NET runtime, CUDA driver and devices, NVRTC, cuBLAS and the kernel cache.") { smoke, json };
        cmd.SetAction(r => CommandRunner.Run(() =>
        {
            using var output = JsonOption.Open(r, json);
            var report = CudaInfo.Collect();
            Console.Write(report.ToText());
            SmokeTestResult? result = null;
            string? skipped = null;
            int code = r.GetValue(smoke) ? RunSmokeTest(out result, out skipped) : 0;
            if (output.Enabled) output.Write(InfoJson.ToNode(report, result, skipped));
            return code;
        }));
        return cmd;
    }

    private static int RunSmokeTest(out SmokeTestResult? result, out string? skipped)
    {
        result = null;
        skipped = null;
        Console.WriteLine("Smoke test");
        if (!CudaGpu.TryCreate(0, out var gpu, out string reason))
        {
            // The info above already lists the driver search; one short reason is enough here.
            skipped = "no CUDA device: " + (CudaLibraries.TryLoadDriver(out _) ? reason : "no CUDA driver found");
            Console.WriteLine("  skipped: " + skipped);
            return 0;
        }
        using (gpu)
        {
            try
            {
                Console.WriteLine($"  on {gpu} with kernels built for {gpu.Arch}");
                result = GpuSmokeTest.Run(gpu);
                foreach (string line in result.Lines) Console.WriteLine("  " + line);
                return result.Passed ? 0 : ExitCodes.Failure;
            }
            catch (CudaException e)
            {
                Console.WriteLine("  smoke test FAILED: " + e.Message);
                result = new SmokeTestResult(false, [e.Message]);
                return ExitCodes.Failure;
            }
        }
    }
}
