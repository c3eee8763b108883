namespace CudaPrune.Cuda.Emulation;

/// <summary>
/// Compares a launch's argument widths (<see cref="Runtime.KernelArgs.Widths"/>) with the kernel's
/// signature. On a GPU a missing, extra or mistyped argument is read silently as whatever bytes sit
/// there; the emulator knows every signature, so it refuses the launch and names the argument.
/// </summary>
internal static class LaunchArgumentCheck
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="widths"/> match <paramref name="kernel"/>'s parameters. Allocates nothing when they do.</summary>
    public static void Check(EmulatedKernelInfo kernel, ReadOnlySpan<byte> widths)
    {
        var sizes = kernel.ArgSizes;
        int common = Math.Min(sizes.Count, widths.Length);
        for (int i = 0; i < common; i++)
            if (widths[i] != sizes[i])
                throw new ArgumentException(
                    $"launch of {Describe(kernel)}: argument {Argument(kernel, i)} is {sizes[i]} bytes in the kernel's signature, but the launch passes {widths[i]} bytes (a {WhatWidth(widths[i])}); check the launcher's KernelArgs.Add calls against kernels/{kernel.Module}.cu");
        if (widths.Length < sizes.Count)
            throw new ArgumentException(
                $"launch of {Describe(kernel)}: the kernel takes {sizes.Count} arguments, the launch passes {widths.Length}: argument {Argument(kernel, widths.Length)} ({sizes[widths.Length]} bytes) is missing");
        if (widths.Length > sizes.Count)
            throw new ArgumentException(
                $"launch of {Describe(kernel)}: the kernel takes {sizes.Count} arguments, the launch passes {widths.Length} (argument {sizes.Count}, {widths[sizes.Count]} bytes, and any after it have no parameter)");
    }

    private static string Describe(EmulatedKernelInfo kernel) => $"kernel {kernel.Name} ({kernel.Module}.cu)";

    // "2 (n)": 0-based position as in KernelArgs, with the parameter's name when the declaration gives one.
    private static string Argument(EmulatedKernelInfo kernel, int i) =>
        i < kernel.ArgNames.Count && kernel.ArgNames[i].Length > 0 ? $"{i} ({kernel.ArgNames[i]})" : $"{i}";

    private static string WhatWidth(byte width) => width switch
    {
        4 => "int, uint or float",
        8 => "pointer or long",
        _ => $"{width}-byte value",
    };
}
