using CudaPrune.Core.Models;
using CudaPrune.Profiling.Latency;
using CudaPrune.Pruning.Criteria;

namespace CudaPrune.Experiment;

/// <summary>Which budgets get the experiment's controls.</summary>
public enum ControlScope
{
    None,
    LastBudget,
    EveryBudget,
}

/// <summary>Settings of the channel-vs-layer experiment (<c>cudaprune compare</c>); <see cref="Full"/> and <see cref="Quick"/> are its presets.</summary>
public sealed record CompareSettings
{
    /// <summary>The zoo model to train; with <see cref="Baseline"/> it may be null (the checkpoint's model is used).</summary>
    public string? Model { get; init; }

    /// <summary>A checkpoint to start from instead of training the baseline.</summary>
    public string? Baseline { get; init; }

    /// <summary>Fractions of the baseline's FLOPs to keep, each in (0, 1).</summary>
    public IReadOnlyList<double> Budgets { get; init; } = [0.75, 0.5, 0.3];

    public ChannelCriterion ChannelCriterion { get; init; } = ChannelCriterion.L1;

    public LayerCriterion LayerCriterion { get; init; } = LayerCriterion.OutputChange;

    /// <summary>Epochs of baseline training (unused with <see cref="Baseline"/>).</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Epochs of fine-tuning for every pruned model (0: none; accuracy after = before).</summary>
    public int FinetuneEpochs { get; init; } = 5;

    public float LearningRate { get; init; } = 0.1f;

    public float FinetuneLearningRate { get; init; } = 0.01f;

    public int TrainBatch { get; init; } = 128;

    /// <summary>A class-balanced subset of the training split (null: all of it).</summary>
    public int? TrainSubset { get; init; }

    /// <summary>A class-balanced subset of the test split (null: all of it).</summary>
    public int? TestSubset { get; init; }

    /// <summary>Batch sizes every model is profiled at (the first is usually 1, the last a large batch).</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = [1, 256];

    /// <summary>The first seed (of weights, data order, augmentation, subsets, calibration and profiling input); seed i is Seed + i.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Independent repetitions: each seed trains its own baseline (unless one is loaded), calibrates its pruning
    /// and fine-tunes its pruned models; accuracies are reported as mean ± 95 % interval over seeds.
    /// </summary>
    public int Seeds { get; init; } = 3;

    /// <summary>
    /// Also prune by channels to the layer-pruned model's measured latency at each batch size (iso-latency), fine-tune
    /// and compare accuracy at equal latency.
    /// </summary>
    public bool IsoLatency { get; init; } = true;

    /// <summary>Also profile every model in deployment mode (conv + BN + ReLU folded, eager and graph) and judge the speed half there too.</summary>
    public bool DeploymentMode { get; init; } = true;

    /// <summary>
    /// Images of the training split held out (class-balanced) for pruning calibration and the baseline's per-epoch
    /// accuracy, so the test set is read once per final model; at most a fifth of the training images.
    /// </summary>
    public int ValidationImages { get; init; } = 5000;

    /// <summary>
    /// Controls (scratch-trained pruned architectures; layer and channel pruning with one criterion each of
    /// l1, taylor and random) for every budget, or the last budget only; always for the first seed.
    /// </summary>
    public ControlScope Controls { get; init; } = ControlScope.EveryBudget;

    public int CalibrationBatches { get; init; } = 4;

    public int CalibrationBatchSize { get; init; } = 64;

    public ProfileOptions Profile { get; init; } = new() { Graph = true };

    /// <summary>True for the CPU preset (<c>--quick</c>).</summary>
    public bool IsQuick { get; init; }

    /// <summary>
    /// The full preset, at literature budgets: resnet56 (25 removable blocks, so layer pruning reaches a dense grid of
    /// budgets) on all of CIFAR-10, 160 epochs of baseline training, 40 of fine-tuning at learning rate 0.01, seven
    /// budgets, three seeds, batch 1 to 1024, graphs and L2-flushed timings. Days on one GPU.
    /// </summary>
    public static CompareSettings Full { get; } = new()
    {
        Model = "resnet56",
        Epochs = 160,
        FinetuneEpochs = 40,
        FinetuneLearningRate = 0.01f,
        Budgets = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3],
        BatchSizes = [1, 8, 64, 256, 1024],
        Seeds = 3,
        Profile = new ProfileOptions { Graph = true, FlushL2 = true },
    };

    /// <summary>
    /// The preset for one lent GPU call: resnet20 on all of CIFAR-10, 10 epochs, 3 of fine-tuning, budgets 0.75, 0.5,
    /// 0.3, two seeds, controls at the last budget, batch 1 to 1024. Sized by estimate to about 8 minutes of an H100
    /// (not yet measured: nothing of ours has run on a GPU).
    /// </summary>
    public static CompareSettings Gpu { get; } = new()
    {
        Model = "resnet20",
        Epochs = 10,
        FinetuneEpochs = 3,
        Budgets = [0.75, 0.5, 0.3],
        BatchSizes = [1, 8, 64, 256, 1024],
        Seeds = 2,
        Controls = ControlScope.LastBudget,
        Profile = new ProfileOptions { Graph = true },
    };

    /// <summary>
    /// The CPU preset: resnet20 on 5,000 training (500 of them held out for validation) and 2,000 test images,
    /// 3 epochs, 2 epochs of fine-tuning, budgets 0.75 and 0.5, two seeds, iso-latency pairs, controls at the last
    /// budget, deployment mode, ONNX Runtime beside ours, batch 1 and 64, fewer profiling runs: every element of the
    /// experiment at small scale, within 15 minutes on two cores. Its accuracies are far from converged and say
    /// little about the claim.
    /// </summary>
    public static CompareSettings Quick { get; } = new()
    {
        Model = "resnet20",
        Budgets = [0.75, 0.5],
        Epochs = 3,
        FinetuneEpochs = 2,
        TrainSubset = 5000,
        TestSubset = 2000,
        BatchSizes = [1, 64],
        CalibrationBatches = 2,
        Seeds = 2,
        ValidationImages = 500,
        Controls = ControlScope.LastBudget,
        Profile = new ProfileOptions { Warmup = 2, Runs = 10, MinSeconds = 0.05, Graph = true },
        IsQuick = true,
    };

    /// <summary>Throws a clear error for settings no run can use (before any data is read or anything is written).</summary>
    public CompareSettings Validated()
    {
        if (Model is null && Baseline is null) throw new ArgumentException("give --model (a baseline is trained) or --baseline FILE (a trained checkpoint)");
        if (Model is not null) ModelZoo.Create(Model); // throws naming the known models
        if (Budgets.Count == 0) throw new ArgumentException("--budgets: give at least one FLOPs budget");
        foreach (var b in Budgets)
            if (!(b > 0 && b < 1)) throw new ArgumentException($"--budgets: budget {b} is outside (0, 1): a budget is the fraction of the baseline's FLOPs to keep");
        if (BatchSizes.Count == 0 || BatchSizes.Any(b => b < 1)) throw new ArgumentException("--batch-sizes: give batch sizes of at least 1");
        if (ValidationImages < 0) throw new ArgumentException($"--validation must be ≥ 0, got {ValidationImages}");
        if (Seeds is < 1 or > 20) throw new ArgumentException($"--seeds must be between 1 and 20, got {Seeds}");
        if (Baseline is null && Epochs < 1) throw new ArgumentException($"--epochs must be at least 1, got {Epochs}");
        if (FinetuneEpochs < 0) throw new ArgumentException($"--finetune-epochs must be ≥ 0, got {FinetuneEpochs}");
        if (TrainSubset is < 10) throw new ArgumentException($"--train-subset must be at least 10, got {TrainSubset}");
        if (TestSubset is < 10) throw new ArgumentException($"--test-subset must be at least 10, got {TestSubset}");
        if (TrainBatch < 1) throw new ArgumentException($"--train-batch must be at least 1, got {TrainBatch}");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) throw new ArgumentException($"--lr must be a positive number, got {LearningRate}");
        if (!(FinetuneLearningRate > 0) || !float.IsFinite(FinetuneLearningRate)) throw new ArgumentException($"--finetune-lr must be a positive number, got {FinetuneLearningRate}");
        if (CalibrationBatches < 1 || CalibrationBatchSize < 1) throw new ArgumentException("the calibration set needs at least one batch of at least one image");
        Profile.Validated();
        return this;
    }
}
