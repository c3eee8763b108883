using System.CommandLine;
using CudaPrune.Core.Models;
using CudaPrune.Core.Training;

namespace CudaPrune.Cli.Options;

/// <summary>The hyper-parameter options shared by <c>train</c> and <c>finetune</c>, bound to <see cref="TrainOptions"/>.</summary>
public sealed class TrainingOptionSet
{
    public Option<int> Epochs { get; }
    public Option<int> Batch { get; } = new("--batch") { Description = "Training batch size.", DefaultValueFactory = _ => 128 };
    public Option<float?> LearningRate { get; }
    public Option<string> Schedule { get; } = new("--schedule")
    {
        Description = "Learning-rate schedule per step: cosine (anneal to 0), step (÷10 at 50% and 75% of training), constant.",
        DefaultValueFactory = _ => "cosine",
    };
    public Option<int> WarmupEpochs { get; } = new("--warmup-epochs") { Description = "Linear learning-rate warm-up over this many epochs.", DefaultValueFactory = _ => 0 };
    public Option<float> Momentum { get; } = new("--momentum") { Description = "SGD momentum.", DefaultValueFactory = _ => 0.9f };
    public Option<float> WeightDecay { get; } = new("--weight-decay") { Description = "L2 weight decay (added to the gradient, as PyTorch's SGD does).", DefaultValueFactory = _ => 5e-4f };
    public Option<bool> Nesterov { get; } = new("--nesterov") { Description = "Use Nesterov momentum." };
    public Option<float> LabelSmoothing { get; } = new("--label-smoothing") { Description = "Label smoothing ε of the cross-entropy (0 = off).", DefaultValueFactory = _ => 0f };
    public Option<float> Slimming { get; } = new("--slimming")
    {
        Description = "L1 penalty on batch-norm scales (network slimming, Liu et al. 2017), e.g. 1e-4; prepares a model for --criterion bn pruning. 0 = off.",
        DefaultValueFactory = _ => 0f,
    };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for weights, data order and augmentation.", DefaultValueFactory = _ => 1 };
    public Option<int> EvalBatch { get; } = new("--eval-batch") { Description = "Batch size for the test-set evaluation after each epoch.", DefaultValueFactory = _ => 500 };

    private readonly float _defaultLearningRate;
    private readonly float _defaultLearningRateWithoutBatchNorm;

    /// <param name="defaultLearningRateWithoutBatchNorm">The default for models without batch norm (simplecnn), which diverge or stall at the rate that suits the others.</param>
    public TrainingOptionSet(int defaultEpochs, float defaultLearningRate, float? defaultLearningRateWithoutBatchNorm = null)
    {
        _defaultLearningRate = defaultLearningRate;
        _defaultLearningRateWithoutBatchNorm = defaultLearningRateWithoutBatchNorm ?? defaultLearningRate;
        Epochs = new("--epochs") { Description = "Number of epochs.", DefaultValueFactory = _ => defaultEpochs };
        string byModel = _defaultLearningRateWithoutBatchNorm == defaultLearningRate ? ""
            : FormattableString.Invariant($" ({_defaultLearningRateWithoutBatchNorm} for a model without batch norm, e.g. simplecnn)");
        LearningRate = new("--lr") { Description = FormattableString.Invariant($"Peak learning rate. Default: {defaultLearningRate}{byModel}.") };
    }

    public void AddTo(Command cmd)
    {
        foreach (var o in new Option[] { Epochs, Batch, LearningRate, Schedule, WarmupEpochs, Momentum, WeightDecay, Nesterov, LabelSmoothing, Slimming, Seed, EvalBatch })
            cmd.Options.Add(o);
    }

    /// <summary>The options as given; the learning rate, when not given, is the default for <paramref name="model"/>.</summary>
    public TrainOptions Bind(ParseResult r, ModelSpec model)
    {
        var o = new TrainOptions
        {
            Epochs = r.GetValue(Epochs),
            BatchSize = r.GetValue(Batch),
            LearningRate = r.GetValue(LearningRate) ?? (model.HasBatchNorm ? _defaultLearningRate : _defaultLearningRateWithoutBatchNorm),
            Schedule = r.GetValue(Schedule)!,
            WarmupEpochs = r.GetValue(WarmupEpochs),
            Momentum = r.GetValue(Momentum),
            WeightDecay = r.GetValue(WeightDecay),
            Nesterov = r.GetValue(Nesterov),
            LabelSmoothing = r.GetValue(LabelSmoothing),
            Slimming = r.GetValue(Slimming),
            Seed = r.GetValue(Seed),
            EvalBatchSize = r.GetValue(EvalBatch),
        };
        o.Validate();
        return o;
    }
}
