using System.Diagnostics;
using CudaPrune.Core.Autograd;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Data;
using CudaPrune.Core.Models;
using CudaPrune.Core.Nn;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Training;

/// <summary>
/// Trains a model with SGD on CIFAR-10 batches: one dispose scope per step (the step's activations and
/// temporaries are freed when it ends), a learning rate per step from the schedule, evaluation after
/// each epoch. The same loop serves training from scratch and fine-tuning after pruning.
/// </summary>
public sealed class Trainer
{
    private readonly Model _model;
    private readonly TrainOptions _options;
    private readonly ITrainingReporter _reporter;
    private readonly List<EpochMetrics> _history = [];

    public Trainer(Model model, TrainOptions options, ITrainingReporter? reporter = null)
    {
        options.Validate();
        _model = model;
        _options = options;
        _reporter = reporter ?? NullTrainingReporter.Instance;
        ReadEvery = model.Backend.Kind == Backends.DeviceKind.Cpu ? 1 : 16;
        Optimizer = new SgdOptimizer(model.NamedParameters().Select(kv => (kv.Key, kv.Value)),
            options.LearningRate, options.Momentum, options.WeightDecay, options.Nesterov);
    }

    public SgdOptimizer Optimizer { get; }

    /// <summary>When set, written after every epoch (before the reporter hears of it), so <see cref="Resume"/> can continue the run.</summary>
    public ResumeFile? ResumeFile { get; init; }

    private int _finishedEpochs;

    public IReadOnlyList<EpochMetrics> History => _history;

    /// <summary>
    /// Steps queued between two reads of their losses (each read waits for the device). On the CPU every
    /// step is read at once; on a GPU a few steps are queued so the host keeps launching while the device
    /// works. A NaN loss is still attributed to the exact step that produced it; the gradients are checked at the
    /// same reads (<see cref="FirstNonFiniteGradient"/>).
    /// </summary>
    public int ReadEvery { get; init; }

    /// <summary>
    /// The first parameter (in <paramref name="parameters"/>' order) whose gradient holds NaN or ±Inf, or null.
    /// The trainer calls it when it reads the losses (every <see cref="ReadEvery"/> steps), on the gradients of
    /// the last step read, which the next step has not zeroed yet: with ReadEvery 1 (the CPU) every step's
    /// gradients are checked; on a GPU a bad gradient of an earlier step of the window poisons its parameter
    /// (SGD adds it in), so the next step's loss or gradients report it.
    /// </summary>
    public static NonFiniteValues? FirstNonFiniteGradient(IEnumerable<(string Name, Tensor Param)> parameters)
    {
        foreach (var (name, param) in parameters)
            if (param.Grad is { } grad && NonFiniteValues.Find(name, grad.ToArray()) is { } bad) return bad;
        return null;
    }

    /// <summary>
    /// Restores the model, the momentum and the finished epochs' metrics from <see cref="ResumeFile"/>, so that
    /// <see cref="Fit"/> runs only the remaining epochs and ends on the same weights as an uninterrupted run.
    /// Returns the epochs already done.
    /// </summary>
    public IReadOnlyList<EpochMetrics> Resume()
    {
        if (ResumeFile is null) throw new InvalidOperationException("no resume file was given to the trainer");
        var (epoch, history) = ResumeFile.Restore(_model, Optimizer);
        if (epoch > _options.Epochs || history.Count != epoch)
            throw new CheckpointException(ResumeFile.Path, $"the resume file is at epoch {epoch} of a {_options.Epochs}-epoch run with {history.Count} epochs of metrics");
        _history.Clear();
        _history.AddRange(history);
        _finishedEpochs = epoch;
        return history;
    }

    /// <summary>Runs every epoch; evaluates on <paramref name="test"/> after each one when given.</summary>
    public TrainingSummary Fit(CifarDataset train, CifarDataset? test, CancellationToken cancel = default)
    {
        if (train.Count < _options.BatchSize)
            throw new ArgumentException($"the training set has {train.Count} images, fewer than one batch of {_options.BatchSize}");
        var loader = new DataLoader(train, DataLoaderOptions.Training(_options.BatchSize, _options.Seed) with { ReuseBuffers = true, DropLast = true });
        int steps = loader.BatchesPerEpoch;
        var schedule = LearningRateSchedule.Parse(_options.Schedule, _options.LearningRate,
            (long)steps * _options.Epochs, (long)steps * _options.WarmupEpochs);
        var bnScales = _options.Slimming > 0
            ? _model.Root.NamedModules().Select(kv => kv.Value).OfType<BatchNorm2d>().Select(bn => bn.Weight).ToList()
            : [];

        var be = _model.Backend;
        // The schedule's position is a function of the epoch: a resumed run picks it up where it stopped.
        long globalStep = (long)steps * _finishedEpochs;
        _model.Train();
        for (int epoch = _finishedEpochs + 1; epoch <= _options.Epochs; epoch++)
        {
            double lossSum = 0;
            long correct = 0, seen = 0;
            float lr = 0;
            var clock = Stopwatch.StartNew();
            int step = 0;
            var pending = new List<PendingStep>();

            // Reads the losses and logits of the queued steps, and the gradients of the last one: the only host
            // synchronisation of training.
            void Flush()
            {
                foreach (var p in pending)
                {
                    double lossValue = p.Loss.ToArray()[0];
                    if (!double.IsFinite(lossValue)) throw new TrainingDivergedException(epoch, p.Step, lossValue);
                    lossSum += lossValue * p.Labels.Length;
                    correct += Metrics.CountCorrect(p.Logits.ToArray(), p.Labels, p.Logits.Dim(1));
                    seen += p.Labels.Length;
                    p.Dispose();
                }
                if (pending.Count > 0 && FirstNonFiniteGradient(Optimizer.Parameters) is { } bad)
                    throw new TrainingDivergedException(epoch, pending[^1].Step, bad);
                if (pending.Count > 0)
                    _reporter.OnStep(new StepProgress(epoch, pending[^1].Step, steps, lossSum / seen, (double)correct / seen,
                        seen / clock.Elapsed.TotalSeconds, lr));
                pending.Clear();
            }

            try
            {
                foreach (var batch in loader.Epoch(epoch - 1))
                {
                    cancel.ThrowIfCancellationRequested();
                    step++;
                    lr = schedule.At(globalStep++);
                    using (var scope = DisposeScope.Begin())
                    {
                        var x = be.FromArray(batch.Images, [batch.Count, 3, 32, 32]);
                        var y = be.FromArray(batch.Labels, [batch.Count]);
                        _model.ZeroGrad();
                        var logits = _model.Forward(x);
                        var loss = Ops.CrossEntropy(logits, y, _options.LabelSmoothing);
                        loss.Backward();
                        foreach (var gamma in bnScales)
                            if (gamma.Grad is not null) be.AddL1Subgradient(gamma.Grad, gamma, _options.Slimming);
                        Optimizer.LearningRate = lr;
                        Optimizer.Step();
                        // Loss and logits outlive the step until they are read; the labels buffer is reused by the loader.
                        pending.Add(new PendingStep(step, scope.Keep(loss), scope.Keep(logits), (int[])batch.Labels.Clone()));
                    }
                    if (pending.Count >= ReadEvery || step == steps) Flush();
                }
            }
            finally
            {
                foreach (var p in pending) p.Dispose();
            }
            double trainSeconds = clock.Elapsed.TotalSeconds;

            var eval = test is null ? null : Evaluator.Evaluate(_model, test, _options.EvalBatchSize);
            var metrics = new EpochMetrics(epoch, lr, lossSum / seen, (double)correct / seen,
                eval?.Loss ?? double.NaN, eval?.Accuracy ?? double.NaN, seen / trainSeconds, trainSeconds, eval?.Seconds ?? 0);
            _history.Add(metrics);
            _finishedEpochs = epoch;
            ResumeFile?.Save(_model, Optimizer, epoch, _history);
            _reporter.OnEpoch(metrics);
        }
        var last = _history[^1];
        // Over every epoch of the run, those of an interrupted process included.
        double totalTrainSeconds = _history.Sum(h => h.TrainSeconds);
        long totalImages = (long)_history.Count * steps * _options.BatchSize;
        return new TrainingSummary(_options.Epochs, last.TestAccuracy, last.TestLoss, last.TrainAccuracy, last.TrainLoss,
            totalImages / totalTrainSeconds, totalTrainSeconds, be.Name);
    }
}

/// <summary>A training step whose loss and logits have not been read back yet.</summary>
internal sealed record PendingStep(int Step, Tensor Loss, Tensor Logits, int[] Labels) : IDisposable
{
    public void Dispose()
    {
        Loss.Dispose();
        Logits.Dispose();
    }
}

/// <summary>What a whole run achieved.</summary>
public sealed record TrainingSummary(int Epochs, double TestAccuracy, double TestLoss, double TrainAccuracy, double TrainLoss,
    double TrainImagesPerSecond, double TrainSeconds, string Device);
