using System.CommandLine;
using CudaPrune.Cuda.Diagnostics;

namespace CudaPrune.Cli.Commands;

/// <summary><c>cudaprune info</c>: .NET, the CUDA driver and devices, NVRTC, cuBLAS and the kernel cache on this machine.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var cmd = new Command("info", "Show the .NET runtime, CUDA driver and devices, NVRTC, cuBLAS and the kernel cache.");
        cmd.SetAction(_ =>
        {
            Console.Write(CudaInfo.Collect().ToText());
            return 0;
        });
        return cmd;
    }
}
