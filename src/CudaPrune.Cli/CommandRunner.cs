using System.Runtime.InteropServices;
using CudaPrune.Core.Profiling;

namespace CudaPrune.Cli;

/// <summary>
/// Runs a command's body and turns failures into one clear "error: ..." line and an exit code
/// (<see cref="ExitCodes"/>; stack traces only with CUDAPRUNE_DEBUG set), so bad input never ends in an
/// unexplained crash. Ctrl+C and SIGTERM cancel <see cref="Cancellation"/>; a body that stops for it exits 130.
/// </summary>
public static class CommandRunner
{
    public const int Failure = ExitCodes.Failure;
    public const int Cancelled = ExitCodes.Cancelled;

    private static CancellationTokenSource? s_cancel;

    public static int Run(Func<int> body)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; Interrupt(cancel); };
        Console.CancelKeyPress += onCancel;
        // SIGTERM (a job scheduler, `timeout`, `kill`): the same orderly stop as Ctrl+C.
        using var onTerm = OperatingSystem.IsWindows() ? null
            : PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; Interrupt(cancel); });
        s_cancel = cancel;
        Cancellation = cancel.Token;
        try
        {
            return body();
        }
        catch (Exception e) when (Unwrap(e) is OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled: nothing was written for the unfinished step");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            var inner = Unwrap(e);
            Console.Error.WriteLine($"error: {inner.Message}");
            if (DebugLevel.FromEnvironment() >= 1) Console.Error.WriteLine(inner);
            return inner is UsageException ? ExitCodes.Usage : ExitCodes.Failure;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            s_cancel = null;
        }
    }

    /// <summary>
    /// The first signal cancels <see cref="Cancellation"/>, which long steps (training, profiling, downloads) check;
    /// a second one ends the process at once, for a step that does not check it.
    /// </summary>
    private static void Interrupt(CancellationTokenSource cancel)
    {
        if (cancel.IsCancellationRequested) Environment.Exit(ExitCodes.Cancelled);
        Console.Error.WriteLine("interrupted: stopping at the next safe point (interrupt again to stop at once)");
        cancel.Cancel();
    }

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerExceptions.Count: 1 } agg ? agg.InnerException! : e;

    /// <summary>
    /// Binds and checks options: an <see cref="ArgumentException"/> thrown here (the libraries' checks of
    /// settings, lists and names) is a usage error (exit 2), whereas one thrown later is a runtime error.
    /// </summary>
    public static T Usage<T>(Func<T> bind)
    {
        try
        {
            return bind();
        }
        catch (ArgumentException e) when (e is not UsageException)
        {
            throw new UsageException(e.Message, e);
        }
    }

    /// <summary>What a first Ctrl+C or SIGTERM does: cancels the running command's <see cref="Cancellation"/>.</summary>
    public static void RequestCancellation() => s_cancel?.Cancel();

    /// <summary>Cancelled by Ctrl+C or SIGTERM while a command runs.</summary>
    public static CancellationToken Cancellation { get; private set; }
}
