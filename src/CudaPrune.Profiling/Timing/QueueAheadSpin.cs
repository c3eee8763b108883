using System.Diagnostics;
using CudaPrune.Cuda.Runtime;

namespace CudaPrune.Profiling.Timing;

/// <summary>
/// Keeps the GPU busy with <c>bench_spin_kernel1</c> (kernels/bench.cu) while the host queues a batch of
/// event-timed launches, so no timed launch waits for the host and each event pair brackets GPU time only
/// (nvbench's blocking kernel). Used by <c>profile</c>'s per-kernel timing and by <c>bench kernels</c>.
/// </summary>
/// <remarks>
/// The spin is checked, not trusted: events around it give its GPU time, the host's clock the time from
/// just before its launch to after the last timed launch was queued. The spin cannot start before it is
/// launched, so when its GPU time exceeds that host time every timed launch was queued before it ended.
/// When not, the run is redone behind a spin twice as long (bounded). The emulator has no clock and needs
/// no spin: its launches run to completion as they are queued.
/// </remarks>
public sealed class QueueAheadSpin : IDisposable
{
    /// <summary>The longest spin a retry asks for: longer means the host queues something unusual.</summary>
    public const double MaxMicroseconds = 500_000;

    /// <summary>Attempts of one run before giving up (reporting the check as not held).</summary>
    public const int MaxAttempts = 5;

    // A device that reports no clock rate: assume 2 GHz (a shorter spin than asked only on slower clocks; the check sees it).
    private const long AssumedClockKHz = 2_000_000;

    private readonly IGpu _gpu;
    private readonly TimeProvider _clock;
    private readonly GpuKernel? _spin;
    private GpuEvent? _start, _end;

    /// <param name="clock">The host clock of the queueing time; default the system's (tests pass a fake).</param>
    public QueueAheadSpin(IGpu gpu, TimeProvider? clock = null)
    {
        _gpu = gpu;
        _clock = clock ?? TimeProvider.System;
        _spin = gpu.IsEmulated ? null : gpu.GetKernel("bench", "bench_spin_kernel1");
    }

    /// <summary>False on the emulator: <see cref="Run{T}"/> then runs once without a spin.</summary>
    public bool Spins => _spin is not null;

    /// <summary>
    /// Queues a spin of <paramref name="microseconds"/>, then <paramref name="queue"/> (which queues the timed
    /// launches and must not wait for the device), then calls <paramref name="collect"/> (which waits and
    /// reads the times). Redoes all three behind a doubled spin while the check fails, up to
    /// <see cref="MaxAttempts"/>; returns the last result and its check.
    /// </summary>
    public (T Result, SpinCheck Check) Run<T>(double microseconds, Action queue, Func<T> collect)
    {
        if (_spin is null)
        {
            queue();
            return (collect(), SpinCheck.NotSpun);
        }
        _start ??= _gpu.CreateEvent();
        _end ??= _gpu.CreateEvent();
        for (int attempt = 1; ; attempt++)
        {
            long before = _clock.GetTimestamp();
            _gpu.Record(_start);
            Launch(microseconds);
            _gpu.Record(_end);
            queue();
            double queued = _clock.GetElapsedTime(before).TotalMicroseconds;
            var result = collect();
            double spun = _gpu.ElapsedMilliseconds(_start, _end) * 1000.0;
            bool held = spun > queued;
            if (held || attempt == MaxAttempts || microseconds >= MaxMicroseconds)
                return (result, new SpinCheck(true, spun, queued, held, attempt));
            // At least twice the spin, and enough for the queueing just seen, twice over.
            microseconds = Math.Min(MaxMicroseconds, Math.Max(2 * microseconds, 2 * queued));
        }
    }

    private unsafe void Launch(double microseconds)
    {
        long clockKHz = _gpu.Properties.ClockRateKHz > 0 ? _gpu.Properties.ClockRateKHz : AssumedClockKHz;
        var args = new KernelArgs();
        args.Add((long)(microseconds * clockKHz / 1000));
        _gpu.Launch(_spin!, 1, 32, 0, args.Pointers, args.Widths);
    }

    public void Dispose()
    {
        _start?.Dispose();
        _end?.Dispose();
        _start = _end = null;
    }
}
