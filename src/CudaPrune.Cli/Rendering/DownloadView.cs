using CudaPrune.Core.Data;
using Spectre.Console;

namespace CudaPrune.Cli;

/// <summary>Draws a download progress bar while a data download runs (only when one happens).</summary>
public static class DownloadView
{
    public static T Run<T>(Func<IProgress<DownloadProgress>, Task<T>> work)
    {
        ProgressTask? task = null;
        ProgressContext? context = null;
        // The bar is created on the first progress report, so a run that finds its data prints nothing extra.
        var progress = new Progress<DownloadProgress>(p =>
        {
            if (context is null) return;
            task ??= context.AddTask("downloading CIFAR-10", maxValue: p.TotalBytes ?? 170_000_000);
            task.Value = p.BytesReceived;
        });
        T result = default!;
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            int lastTenth = -1;
            return work(new Progress<DownloadProgress>(p =>
            {
                if (p.TotalBytes is not > 0) return;
                int tenth = (int)(10 * p.BytesReceived / p.TotalBytes.Value);
                if (tenth != lastTenth) Console.WriteLine($"downloading CIFAR-10: {10 * tenth}%");
                lastTenth = tenth;
            })).GetAwaiter().GetResult();
        }
        AnsiConsole.Progress().AutoClear(true).Start(ctx =>
        {
            context = ctx;
            result = work(progress).GetAwaiter().GetResult();
        });
        return result;
    }
}
