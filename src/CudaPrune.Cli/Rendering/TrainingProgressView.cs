using System.Globalization;
using CudaPrune.Core.Training;
using Spectre.Console;

namespace CudaPrune.Cli;

/// <summary>
/// Shows training progress: a live Spectre.Console bar with loss, accuracy and images/s on a terminal;
/// plain lines (every 10 % of an epoch) when the output is redirected. One summary line per epoch either way.
/// </summary>
public sealed class TrainingProgressView : ITrainingReporter
{
    private readonly bool _interactive = AnsiConsole.Profile.Capabilities.Interactive;
    private ProgressContext? _context;
    private ProgressTask? _task;
    private int _lastTenth = -1;

    /// <summary>Runs <paramref name="work"/> with the live bar on screen (or plainly).</summary>
    public T Run<T>(Func<ITrainingReporter, T> work)
    {
        if (!_interactive) return work(this);
        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                _context = ctx;
                result = work(this);
            });
        return result;
    }

    public void OnStep(StepProgress p)
    {
        string text = string.Create(CultureInfo.InvariantCulture,
            $"epoch {p.Epoch} step {p.Step}/{p.Steps}  loss {p.Loss:F3}  acc {p.Accuracy:P1}  {p.ImagesPerSecond:F0} img/s  lr {p.LearningRate:G3}");
        if (_context is not null)
        {
            if (_task is null || p.Step == 1) _task = _context.AddTask("", maxValue: p.Steps);
            _task.Description = Markup.Escape(text);
            _task.Value = p.Step;
            return;
        }
        int tenth = 10 * p.Step / p.Steps;
        if (p.Step == 1) _lastTenth = -1;
        if (tenth != _lastTenth) Console.WriteLine("  " + text);
        _lastTenth = tenth;
    }

    public void OnEpoch(EpochMetrics m)
    {
        string line = string.Create(CultureInfo.InvariantCulture,
            $"epoch {m.Epoch}: train loss {m.TrainLoss:F4} acc {m.TrainAccuracy:P2} | test loss {m.TestLoss:F4} acc {m.TestAccuracy:P2} | {m.TrainImagesPerSecond:F0} img/s, {m.TrainSeconds:F1} s");
        if (_task is not null) _task.StopTask();
        if (_context is not null) AnsiConsole.MarkupLine(Markup.Escape(line));
        else Console.WriteLine(line);
    }
}
