using System.Globalization;

namespace CudaPrune.Profiling.Timing;

/// <summary>
/// How a batch of event-timed launches was queued: behind a spin kernel or not, the spin's GPU time,
/// the host's time to queue the batch, and whether the spin outlasted the queueing (so that no timed
/// launch waited for the host and each event pair holds GPU time only).
/// </summary>
/// <param name="Spun">False where no spin is needed or possible (the emulator, the CPU): nothing else applies.</param>
/// <param name="SpinMicroseconds">The spin's GPU time, between events recorded around it.</param>
/// <param name="QueueMicroseconds">Host time from just before the spin's launch to after the last timed launch was queued.</param>
/// <param name="Held">Spin time &gt; queue time: every timed launch was queued before the spin ended.</param>
/// <param name="Attempts">Runs it took (each failed check redoes the run behind a spin twice as long).</param>
public sealed record SpinCheck(bool Spun, double SpinMicroseconds, double QueueMicroseconds, bool Held, int Attempts)
{
    /// <summary>No spin: the device runs each launch as it is queued (emulator) or the timer is the host's (CPU).</summary>
    public static readonly SpinCheck NotSpun = new(false, 0, 0, false, 1);

    /// <summary>One line for reports.</summary>
    public string Describe() => !Spun
        ? "no spin (the emulator runs each launch as it is queued; its times are host times)"
        : string.Create(CultureInfo.InvariantCulture,
            $"behind a {SpinMicroseconds:0} µs spin, host queueing {QueueMicroseconds:0} µs: {(Held ? "held" : "NOT held (some launches may include host time)")}{(Attempts > 1 ? $", after {Attempts} attempts" : "")}");
}
