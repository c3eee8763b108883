namespace CudaPrune.Core.Training;

/// <summary>Hyper-parameters of a training (or fine-tuning) run.</summary>
public sealed record TrainOptions
{
    public int Epochs { get; init; } = 1;
    public int BatchSize { get; init; } = 128;
    public float LearningRate { get; init; } = 0.1f;
    /// <summary>"cosine", "step" or "constant" (see <see cref="LearningRateSchedule"/>).</summary>
    public string Schedule { get; init; } = "cosine";
    public int WarmupEpochs { get; init; }
    public float Momentum { get; init; } = 0.9f;
    public float WeightDecay { get; init; } = 5e-4f;
    public bool Nesterov { get; init; }
    public float LabelSmoothing { get; init; }
    /// <summary>L1 penalty on batch-norm scales (network slimming, Liu et al. 2017); 0 = off.</summary>
    public float Slimming { get; init; }
    public int Seed { get; init; } = 1;
    /// <summary>Batch size for evaluation on the test split.</summary>
    public int EvalBatchSize { get; init; } = 500;

    /// <summary>
    /// Every option by name, as exact invariant text: what a resumed run must share with the interrupted one
    /// (see <see cref="ResumeFile"/>). Keys follow metrics.json's names.
    /// </summary>
    public Dictionary<string, string> ResumeIdentity()
    {
        static string F(float v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);
        static string I(int v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new(StringComparer.Ordinal)
        {
            ["epochs"] = I(Epochs), ["batch"] = I(BatchSize), ["lr"] = F(LearningRate), ["schedule"] = Schedule,
            ["warmup_epochs"] = I(WarmupEpochs), ["momentum"] = F(Momentum), ["weight_decay"] = F(WeightDecay),
            ["nesterov"] = Nesterov ? "true" : "false", ["label_smoothing"] = F(LabelSmoothing), ["slimming"] = F(Slimming),
            ["seed"] = I(Seed), ["eval_batch"] = I(EvalBatchSize),
        };
    }

    /// <summary>Throws a clear error for values no run can use.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"--epochs must be at least 1, got {Epochs}");
        if (BatchSize < 1) throw new ArgumentException($"--batch must be at least 1, got {BatchSize}");
        if (EvalBatchSize < 1) throw new ArgumentException($"the evaluation batch must be at least 1, got {EvalBatchSize}");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) throw new ArgumentException($"--lr must be a positive number, got {LearningRate}");
        if (WarmupEpochs < 0 || WarmupEpochs >= Epochs && WarmupEpochs > 0) throw new ArgumentException($"--warmup-epochs must be in [0, epochs), got {WarmupEpochs}");
        if (Momentum is < 0 or >= 1) throw new ArgumentException($"--momentum must be in [0, 1), got {Momentum}");
        if (WeightDecay < 0) throw new ArgumentException($"--weight-decay must be ≥ 0, got {WeightDecay}");
        if (LabelSmoothing is < 0 or >= 1) throw new ArgumentException($"--label-smoothing must be in [0, 1), got {LabelSmoothing}");
        if (Slimming < 0) throw new ArgumentException($"--slimming must be ≥ 0, got {Slimming}");
        if (!LearningRateSchedule.Kinds.Contains(Schedule)) throw new ArgumentException($"--schedule must be one of {string.Join(", ", LearningRateSchedule.Kinds)}, got '{Schedule}'");
    }
}
