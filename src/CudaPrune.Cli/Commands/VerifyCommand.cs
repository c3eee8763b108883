using System.CommandLine;
using CudaPrune.Cli.Options;
using CudaPrune.Core.Backends.Cuda.Verification;

namespace CudaPrune.Cli.Commands;

/// <summary><c>cudaprune verify [--device cuda|emulated] [--quick] [--op NAME]</c>: every kernel version against the CPU reference, as a table.</summary>
public static class VerifyCommand
{
    public static Command Create()
    {
        var device = new Option<string?>("--device")
        {
            Description = "cuda (device 0) or emulated (the kernels on the CPU, slow). Default: cuda when a device is usable, else emulated.",
        };
        device.AcceptOnlyFromAmong(VerificationDevice.Names);
        var quick = new Option<bool>("--quick") { Description = "Small shapes only (what CI runs on the emulator); default: realistic resnet20/vgg16 shapes too." };
        var op = new Option<string?>("--op")
        {
            Description = "Only the ops named NAME or starting with it (relu_forward, batch_norm, conv2d, ...).",
            HelpName = "NAME",
        };
        var json = JsonOption.Create("every check's outcome");
        var cmd = new Command("verify", "Check every kernel version and block size against the CPU reference and print a table; exits non-zero on any failure.")
        {
            device, quick, op, json,
        };
        cmd.SetAction(r => CommandRunner.Run(() =>
        {
            using var output = JsonOption.Open(r, json);
            return Verify(r.GetValue(device), r.GetValue(quick), r.GetValue(op), output);
        }));
        return cmd;
    }

    private static int Verify(string? device, bool quick, string? op, JsonOutput output)
    {
        var checks = KernelVerifier.Select(KernelCheckCatalog.All(quick), op).ToList();
        if (checks.Count == 0)
        {
            var ops = KernelCheckCatalog.All(quick).Select(c => c.Op).Distinct();
            throw new UsageException($"--op {op}: no kernel check matches; the ops are: {string.Join(", ", ops)}");
        }
        var backend = VerificationDevice.Open(device, out var note, out var reopen);
        if (note.Length > 0) Console.WriteLine(note);
        Console.WriteLine($"device: {backend.Name}; {checks.Count} checks{(quick ? " (quick shapes)" : "")}");
        Console.WriteLine(VerificationTable.Header);
        var report = KernelVerifier.Run(backend, reopen, checks, outcome => Console.WriteLine(VerificationTable.Row(outcome)));
        Console.WriteLine(report.Summary);
        if (output.Enabled) output.Write(VerifyJson.ToNode(report, quick));
        return report.AllPassed ? 0 : CommandRunner.Failure;
    }
}
