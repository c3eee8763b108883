using System.Diagnostics;
using CudaPrune.Core.Autograd;
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
        Optimizer = new SgdOptimizer(model.NamedParameters().Select(kv => (kv.Key, kv.Value)),
            options.LearningRate, options.Momentum, options.WeightDecay, options.Nesterov);
    }

    public SgdOptimizer Optimizer { get; }

    public IReadOnlyList<EpochMetrics> History => _history;

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
        long globalStep = 0;
        double totalTrainSeconds = 0;
        long totalImages = 0;
        _model.Train();
        for (int epoch = 1; epoch <= _options.Epochs; epoch++)
        {
            double lossSum = 0;
            long correct = 0, seen = 0;
            float lr = 0;
            var clock = Stopwatch.StartNew();
            int step = 0;
            foreach (var batch in loader.Epoch(epoch - 1))
            {
                cancel.ThrowIfCancellationRequested();
                step++;
                lr = schedule.At(globalStep++);
                using (DisposeScope.Begin())
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

                    // Reading the loss synchronises once per step; it is also how a NaN is caught at the step it appears.
                    double lossValue = loss.ToArray()[0];
                    if (!double.IsFinite(lossValue)) throw new TrainingDivergedException(epoch, step, lossValue);
                    lossSum += lossValue * batch.Count;
                    correct += Metrics.CountCorrect(logits.ToArray(), batch.Labels, logits.Dim(1));
                    seen += batch.Count;
                }
                _reporter.OnStep(new StepProgress(epoch, step, steps, lossSum / seen, (double)correct / seen,
                    seen / clock.Elapsed.TotalSeconds, lr));
            }
            double trainSeconds = clock.Elapsed.TotalSeconds;
            totalTrainSeconds += trainSeconds;
            totalImages += seen;

            var eval = test is null ? null : Evaluator.Evaluate(_model, test, _options.EvalBatchSize);
            var metrics = new EpochMetrics(epoch, lr, lossSum / seen, (double)correct / seen,
                eval?.Loss ?? double.NaN, eval?.Accuracy ?? double.NaN, seen / trainSeconds, trainSeconds, eval?.Seconds ?? 0);
            _history.Add(metrics);
            _reporter.OnEpoch(metrics);
        }
        var last = _history[^1];
        return new TrainingSummary(_options.Epochs, last.TestAccuracy, last.TestLoss, last.TrainAccuracy, last.TrainLoss,
            totalImages / totalTrainSeconds, totalTrainSeconds, be.Name);
    }
}

/// <summary>What a whole run achieved.</summary>
public sealed record TrainingSummary(int Epochs, double TestAccuracy, double TestLoss, double TrainAccuracy, double TrainLoss,
    double TrainImagesPerSecond, double TrainSeconds, string Device);
