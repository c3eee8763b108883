using System.CommandLine;
using System.Globalization;
using CudaPrune.Core.Backends.Cuda;
using CudaPrune.Pruning.Channels;
using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Targets;

namespace CudaPrune.Cli.Options;

/// <summary>The options of <c>cudaprune prune</c>, bound and validated to <see cref="PruneSettings"/>.</summary>
public sealed class PruneOptionSet
{
    public Option<string> Checkpoint { get; } = new("--checkpoint") { Description = "The model to prune: a model.safetensors written by train, prune or finetune.", Required = true };
    public Option<string?> Out { get; } = new("--out")
    {
        Description = "Where to write the pruned model: a path ending in .safetensors, or a folder that gets model.safetensors and prune.json (the per-layer report). Required unless only --show-groups is asked. The checkpoint's metadata records method, criterion, target and source.",
    };
    public Option<string?> Method { get; } = new("--method")
    {
        Description = "channel: remove channels (filters) in every prunable group of the dependency graph. layer: remove whole residual blocks (ResNets) or convs with their BN/ReLU/pooling (plain networks).",
    };
    public Option<string> Criterion { get; } = new("--criterion")
    {
        Description = "What is removed first (the lowest score). Channel: l1, l2 (filter norms, Li et al. 2017), bn (|gamma| of the batch norms, network slimming), taylor (|sum of activation x gradient| over calibration batches, Molchanov et al. 2019), random. Layer: l1 (mean |w| of the block's residual branch), output-change (how much the logits move on calibration batches without the block), taylor, random.",
        DefaultValueFactory = _ => "l1",
    };
    public Option<double?> Ratio { get; } = new("--ratio") { Description = "Fraction in (0,1) to remove: of the prunable channels (channel) or of the removable blocks/layers (layer)." };
    public Option<double?> TargetFlops { get; } = new("--target-flops") { Description = "Keep this fraction in (0,1) of the model's FLOPs; the ratio is searched. Use it to compare methods at matched budgets." };
    public Option<double?> TargetParams { get; } = new("--target-params") { Description = "Keep this fraction in (0,1) of the model's parameters; the ratio is searched." };
    public Option<string> RoundTo { get; } = new("--round-to")
    {
        Description = "Channel pruning: every pruned group keeps a multiple of K channels (the nearest, at least K; a group with fewer than K channels stays whole), "
            + $"since GPU tiles make odd counts slow. K is a number, or '{ChannelVariantValues.Tile}' = {ConvTile.RowStep}, the row step of our conv kernels' tiles (every tile's rows are a multiple of {ConvTile.RowStep}). "
            + "FLOPs and parameter targets are still met within their tolerance: the ratio search moves one group's rounding step at a time (groups of one size may round different ways); "
            + "where a single step is wider than the tolerance it is an error naming the nearest reachable share. Default 1: any count.",
        DefaultValueFactory = _ => "1",
    };
    public Option<string> Ranking { get; } = new("--ranking")
    {
        Description = "Channel pruning: uniform (default) removes the same fraction of every prunable group; "
            + "global ranks all groups' channels together (each group's scores divided by the group's mean) and removes the lowest, so groups lose different fractions; each group keeps at least one channel (or --round-to K).",
        DefaultValueFactory = _ => "uniform",
    };
    public Option<bool> PruneStem { get; } = new("--prune-stem")
    {
        Description = "Channel pruning: also prune the stem, the first conv's output channels. By default they are left whole, as in Li et al. 2017's ResNets; "
            + "in a ResNet the stem's outputs are the first stage's residual stream, so that whole group is left whole.",
    };
    public Option<bool> ProtectFirst { get; } = new("--protect-first")
    {
        Description = "Layer pruning of a plain network: never remove the first conv. (Channel pruning leaves the first conv's outputs whole by default; --prune-stem undoes that.) The classifier's outputs are never pruned.",
    };
    public Option<string?> Protect { get; } = new("--protect") { Description = "Comma-separated layer names (or containers like layer1, or block parts like layer1.0.conv1) left untouched." };
    public Option<bool> AllowDownsample { get; } = new("--allow-downsample") { Description = "Layer pruning of a ResNet: also remove downsampling blocks, each replaced by its projection shortcut conv + BN + ReLU (keeps the stride and the widening)." };
    public Option<bool> AllowNonFinite { get; } = NonFiniteOption.Create();
    public Option<bool> Check { get; } = new("--check") { Description = "Prove the compaction: compare the pruned model's logits with the original's with the removed channels (or residual branches) zeroed, on seeded random images, and print the max difference. A failed check writes nothing." };
    public Option<bool> ShowGroups { get; } = new("--show-groups") { Description = "Print the channel groups of the dependency graph (what must be pruned together). Alone, nothing else is done." };
    public Option<int> CalibrationBatches { get; } = new("--calibration-batches") { Description = "Training batches read by the taylor and output-change criteria.", DefaultValueFactory = _ => 4 };
    public Option<int> CalibrationBatchSize { get; } = new("--calibration-batch-size") { Description = "Images per calibration batch.", DefaultValueFactory = _ => 64 };
    public Option<int> Steps { get; } = new("--steps") { Description = "Prune iteratively in S steps, each removing an equal share of the target (measured on the original), with --finetune-epochs of fine-tuning between steps.", DefaultValueFactory = _ => 1 };
    public Option<int> FinetuneEpochs { get; } = new("--finetune-epochs") { Description = "Epochs of fine-tuning between pruning steps (with --steps > 1; 0 = none).", DefaultValueFactory = _ => 1 };
    public Option<float> FinetuneLearningRate { get; } = new("--finetune-lr") { Description = "Peak learning rate of the fine-tuning between steps (cosine schedule).", DefaultValueFactory = _ => 0.01f };
    public Option<int> FinetuneBatch { get; } = new("--finetune-batch") { Description = "Batch size of the fine-tuning between steps.", DefaultValueFactory = _ => 128 };
    public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the random criterion, the calibration batches, the check images, rebuilt layers' initial values and fine-tuning.", DefaultValueFactory = _ => 1 };

    public void AddTo(Command cmd)
    {
        foreach (var o in new Option[] { Checkpoint, Out, Method, Criterion, Ratio, TargetFlops, TargetParams, RoundTo, Ranking, PruneStem, ProtectFirst, Protect,
                     AllowDownsample, AllowNonFinite, Check, ShowGroups, CalibrationBatches, CalibrationBatchSize, Steps, FinetuneEpochs, FinetuneLearningRate, FinetuneBatch, Seed })
            cmd.Options.Add(o);
    }

    /// <summary>Binds and validates everything that needs no file: a clear error for each bad combination.</summary>
    public PruneSettings Bind(ParseResult r)
    {
        bool showGroups = r.GetValue(ShowGroups);
        var method = r.GetValue(Method)?.Trim().ToLowerInvariant();
        var settings = new PruneSettings
        {
            Checkpoint = r.GetValue(Checkpoint)!,
            Out = r.GetValue(Out),
            Method = method,
            ShowGroups = showGroups,
            RoundTo = ChannelVariantValues.ParseRoundTo(r.GetValue(RoundTo)!),
            Ranking = ChannelVariantValues.ParseRanking(r.GetValue(Ranking)!),
            PruneStem = r.GetValue(PruneStem),
            ProtectFirst = r.GetValue(ProtectFirst),
            Protect = (r.GetValue(Protect) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            AllowDownsample = r.GetValue(AllowDownsample),
            AllowNonFinite = r.GetValue(AllowNonFinite),
            Check = r.GetValue(Check),
            CalibrationBatches = r.GetValue(CalibrationBatches),
            CalibrationBatchSize = r.GetValue(CalibrationBatchSize),
            Steps = r.GetValue(Steps),
            FinetuneEpochs = r.GetValue(FinetuneEpochs),
            FinetuneLearningRate = r.GetValue(FinetuneLearningRate),
            FinetuneBatch = r.GetValue(FinetuneBatch),
            Seed = r.GetValue(Seed),
        };
        if (method is null)
        {
            if (showGroups) return settings;
            throw new ArgumentException("--method is required: channel or layer");
        }
        if (method is not ("channel" or "layer")) throw new ArgumentException($"--method must be channel or layer, got '{method}'");
        var criterion = r.GetValue(Criterion)!;
        settings = method == "channel"
            ? settings with { ChannelCriterion = CriterionNames.ParseChannel(criterion), CriterionName = CriterionNames.Name(CriterionNames.ParseChannel(criterion)) }
            : settings with { LayerCriterion = CriterionNames.ParseLayer(criterion), CriterionName = CriterionNames.Name(CriterionNames.ParseLayer(criterion)) };
        settings = settings with { Target = BindTarget(r) };

        if (string.IsNullOrWhiteSpace(settings.Out)) throw new ArgumentException("--out is required: a .safetensors path or a folder for the pruned model");
        if (settings.RoundTo > 1 && method == "layer") throw new ArgumentException("--round-to applies to channel pruning only");
        if (settings.Ranking != ChannelRanking.Uniform && method == "layer") throw new ArgumentException("--ranking applies to channel pruning only (layer pruning always ranks all removable layers together)");
        if (settings.PruneStem && method == "layer") throw new ArgumentException("--prune-stem applies to channel pruning only (layer pruning never removes a ResNet's stem; --protect-first keeps a plain network's first conv)");
        if (settings.PruneStem && settings.ProtectFirst) throw new ArgumentException("--prune-stem and --protect-first contradict each other: the first conv's outputs are the stem");
        if (settings.AllowDownsample && method == "channel") throw new ArgumentException("--allow-downsample applies to layer pruning only");
        if (settings.CalibrationBatches < 1) throw new ArgumentException($"--calibration-batches must be at least 1, got {settings.CalibrationBatches}");
        if (settings.CalibrationBatchSize < 1) throw new ArgumentException($"--calibration-batch-size must be at least 1, got {settings.CalibrationBatchSize}");
        if (settings.Steps < 1) throw new ArgumentException($"--steps must be at least 1, got {settings.Steps}");
        if (settings.FinetuneEpochs < 0) throw new ArgumentException($"--finetune-epochs must be ≥ 0, got {settings.FinetuneEpochs}");
        if (settings.FineTunes && !(settings.FinetuneLearningRate > 0 && float.IsFinite(settings.FinetuneLearningRate)))
            throw new ArgumentException($"--finetune-lr must be a positive number, got {settings.FinetuneLearningRate.ToString(CultureInfo.InvariantCulture)}");
        if (settings.FineTunes && settings.FinetuneBatch < 1) throw new ArgumentException($"--finetune-batch must be at least 1, got {settings.FinetuneBatch}");
        return settings;
    }

    private PruneTarget BindTarget(ParseResult r)
    {
        var given = new List<PruneTarget>();
        if (r.GetValue(Ratio) is double ratio) given.Add(PruneTarget.Ratio(ratio));
        if (r.GetValue(TargetFlops) is double flops) given.Add(PruneTarget.Flops(flops));
        if (r.GetValue(TargetParams) is double parameters) given.Add(PruneTarget.Params(parameters));
        return given.Count switch
        {
            0 => throw new ArgumentException("give one target: --ratio R, --target-flops F or --target-params P"),
            1 => given[0].Validated(),
            _ => throw new ArgumentException($"give one target, not {given.Count}: {string.Join(" and ", given.Select(t => t.OptionName))}"),
        };
    }
}
