using CudaPrune.Core.Profiling;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Cli;

/// <summary>
/// Runs a command's body and turns failures into one clear "error: ..." line and a non-zero exit
/// (stack traces only with CUDAPRUNE_DEBUG set), so bad input never ends in an unexplained crash.
/// </summary>
public static class CommandRunner
{
    public const int Failure = 1;
    public const int Cancelled = 130;

    public static int Run(Func<int> body)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        Cancellation = cancel.Token;
        try
        {
            return body();
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled: nothing was written for the unfinished step");
            return Cancelled;
        }
        catch (Exception e)
        {
            var inner = e is AggregateException { InnerExceptions.Count: 1 } agg ? agg.InnerException! : e;
            Console.Error.WriteLine($"error: {inner.Message}");
            if (Environment.GetEnvironmentVariable(DebugLevel.Variable) is { Length: > 0 }) Console.Error.WriteLine(inner);
            return Failure;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Cancelled by Ctrl+C while a command runs.</summary>
    public static CancellationToken Cancellation { get; private set; }
}
