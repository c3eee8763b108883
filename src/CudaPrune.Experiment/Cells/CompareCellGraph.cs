using System.Globalization;
using CudaPrune.Pruning.Channels;
using CudaPrune.Pruning.Criteria;

namespace CudaPrune.Experiment.Cells;

/// <summary>
/// A model the report lists, and the cells that made it: <see cref="Cell"/> holds the evaluated model (a baseline,
/// fine-tune or scratch cell), <see cref="PruneCell"/> the pruning it started from (null for a baseline or scratch).
/// </summary>
public sealed record VariantSlot(string Cell, string? PruneCell, VariantMethod Method, double? Budget, int Seed, string Suffix, string Control, int? IsoBatch)
{
    /// <summary>"baseline", "layer 0.50", "iso-latency b1 0.50 s2", "criteria l1/l1 channel 0.50": the report's label.</summary>
    public string Label => (Control.Length > 0 ? Control + " " : "") + (Budget is double b
        ? FormattableString.Invariant($"{(Method == VariantMethod.IsoLatency ? "iso-latency" : Method.ToString().ToLowerInvariant())}{(IsoBatch is int ib ? $" b{ib}" : "")} {b:0.00}")
        : "baseline") + Suffix;

    /// <summary>The file name under models/ (as before cells: "channel-0.50-s2", "scratch-layer-0.50").</summary>
    public string CheckpointName
    {
        get
        {
            if (Budget is not double b) return $"baseline{Suffix.Replace(' ', '-')}.safetensors";
            string method = Method == VariantMethod.IsoLatency ? $"iso-latency-b{IsoBatch}" : Method.ToString().ToLowerInvariant();
            string control = Control.Length > 0 ? Control.Replace(' ', '-').Replace('/', '-') + "-" : "";
            return FormattableString.Invariant($"{control}{method}-{b:0.00}{Suffix.Replace(' ', '-')}.safetensors");
        }
    }
}

/// <summary>
/// The experiment as a graph of cells, built from its settings alone: per seed a baseline, per budget the layer
/// pruning, the channel pruning to its FLOPs, the iso-latency prunings and their fine-tunes; the controls; then the
/// latency cells (profiles, the second engine) over every model. Cells are listed in an order that runs (every cell
/// after its dependencies) and that is the report's order.
/// </summary>
public sealed class CompareCellGraph
{
    private readonly List<CellSpec> _cells = [];
    private readonly List<VariantSlot> _variants = [];
    private readonly Dictionary<string, string> _common;
    private readonly string _code;

    public IReadOnlyList<CellSpec> Cells => _cells;

    public IReadOnlyList<VariantSlot> Variants => _variants;

    public CellSpec? Profile { get; private set; }

    public CellSpec? ProfileFolded { get; private set; }

    public CellSpec? Engines { get; private set; }

    public CellSpec this[string id] => _cells.FirstOrDefault(c => c.Id == id) ?? throw new KeyNotFoundException($"no cell {id} in this experiment's graph");

    /// <param name="code">The code version (commit) every cell id includes.</param>
    /// <param name="device">The device kind ("cpu", "cuda", "emulated"): results differ between them.</param>
    /// <param name="dataset">How the data is labelled ("CIFAR-10 (JPEG copy)").</param>
    /// <param name="baselineSha256">The SHA-256 of <see cref="CompareSettings.Baseline"/> when one is loaded.</param>
    /// <param name="secondEngine">Whether ONNX Runtime is timed beside ours (CPU runs).</param>
    public CompareCellGraph(CompareSettings settings, string code, string device, string dataset, string? baselineSha256, bool secondEngine)
    {
        _code = code;
        _common = new(StringComparer.Ordinal)
        {
            ["device"] = device,
            ["dataset"] = dataset,
            ["train_subset"] = settings.TrainSubset?.ToString(CultureInfo.InvariantCulture) ?? "all",
            ["test_subset"] = settings.TestSubset?.ToString(CultureInfo.InvariantCulture) ?? "all",
            ["validation"] = I(settings.ValidationImages),
            ["first_seed"] = I(settings.Seed),
        };
        var s = settings;
        CellSpec? shared = null;
        for (int i = 0; i < s.Seeds; i++)
        {
            int seed = s.Seed + i;
            string suffix = s.Seeds > 1 && i > 0 ? $" s{seed}" : "";
            CellSpec baseline;
            if (s.Baseline is not null)
            {
                baseline = shared ??= Add("baseline (loaded)", CellKinds.Baseline, new() { ["checkpoint_sha256"] = baselineSha256 ?? "", ["model"] = s.Model ?? "" }, []);
                if (i == 0) _variants.Add(new VariantSlot(baseline.Id, null, VariantMethod.Baseline, null, seed, "", "", null));
            }
            else
            {
                baseline = Add($"baseline s{seed}", CellKinds.Baseline, new()
                {
                    ["model"] = s.Model!, ["epochs"] = I(s.Epochs), ["lr"] = F(s.LearningRate), ["train_batch"] = I(s.TrainBatch), ["seed"] = I(seed),
                }, []);
                _variants.Add(new VariantSlot(baseline.Id, null, VariantMethod.Baseline, null, seed, suffix, "", null));
            }
            for (int bi = 0; bi < s.Budgets.Count; bi++)
            {
                double budget = s.Budgets[bi];
                var layer = PruneLayer(s, baseline, s.LayerCriterion, budget, seed, "");
                var layerTuned = Finetune(s, layer, VariantMethod.Layer, budget, seed, suffix, "", null);
                var channel = PruneChannel(s, baseline, layer, s.ChannelCriterion, ChannelRanking.Uniform, 1, budget, seed, "");
                Finetune(s, channel, VariantMethod.Channel, budget, seed, suffix, "", null);
                if (s.IsoLatency)
                    foreach (int batch in s.BatchSizes)
                    {
                        var iso = Add(FormattableString.Invariant($"iso-latency b{batch} {budget:0.00} s{seed}"), CellKinds.IsoLatency, new()
                        {
                            ["criterion"] = CriterionNames.Name(s.ChannelCriterion), ["batch"] = I(batch), ["seed"] = I(seed), ["budget"] = D(budget),
                            ["calibration"] = $"{s.CalibrationBatches}x{s.CalibrationBatchSize}",
                        }, [baseline.Id, layerTuned.Id, channel.Id], exclusive: true);
                        Finetune(s, iso, VariantMethod.IsoLatency, budget, seed, suffix, "", batch);
                    }
                bool controlled = i == 0 && (s.Controls == ControlScope.EveryBudget || (s.Controls == ControlScope.LastBudget && bi == s.Budgets.Count - 1));
                if (controlled) Controls(s, baseline, layer, channel, budget, seed);
            }
        }
        var models = _variants.Select(v => v.Cell).ToList();
        var profileInputs = new Dictionary<string, string>
        {
            ["batch_sizes"] = string.Join(",", s.BatchSizes), ["profile"] = System.Text.Json.JsonSerializer.Serialize(s.Profile), ["seed"] = I(s.Seed),
        };
        Profile = Add("profile", CellKinds.Profile, new(profileInputs) { ["folded"] = "false" }, models, exclusive: true);
        if (s.DeploymentMode) ProfileFolded = Add("profile folded", CellKinds.Profile, new(profileInputs) { ["folded"] = "true" }, models, exclusive: true);
        if (secondEngine) Engines = Add("second engine", CellKinds.Engines, new() { ["batch_sizes"] = string.Join(",", s.BatchSizes), ["quick"] = s.IsQuick ? "true" : "false", ["seed"] = I(s.Seed) }, models, exclusive: true);
    }

    /// <summary>Stage of each cell: 0 without dependencies, else one more than its latest dependency's.</summary>
    public IReadOnlyDictionary<string, int> Stages()
    {
        var stages = new Dictionary<string, int>();
        foreach (var cell in _cells) stages[cell.Id] = cell.Dependencies.Count == 0 ? 0 : cell.Dependencies.Max(d => stages[d]) + 1;
        return stages;
    }

    private void Controls(CompareSettings s, CellSpec baseline, CellSpec layer, CellSpec channel, double budget, int seed)
    {
        foreach (var (method, prune) in new[] { (VariantMethod.Layer, layer), (VariantMethod.Channel, channel) })
        {
            string name = method.ToString().ToLowerInvariant();
            var scratch = Add(FormattableString.Invariant($"scratch {name} {budget:0.00}"), CellKinds.Scratch, new()
            {
                ["epochs"] = I(s.Epochs + s.FinetuneEpochs), ["lr"] = F(s.LearningRate), ["train_batch"] = I(s.TrainBatch), ["seed"] = I(seed),
            }, [prune.Id]);
            _variants.Add(new VariantSlot(scratch.Id, prune.Id, method, budget, seed, "", "scratch", null));
        }
        foreach (var (control, ranking, roundTo) in new[] { ("variant global", ChannelRanking.Global, 1), ("variant round-to 4", ChannelRanking.Uniform, Core.Backends.Cuda.ConvTile.RowStep) })
        {
            var variant = PruneChannel(s, baseline, layer, s.ChannelCriterion, ranking, roundTo, budget, seed, control);
            Finetune(s, variant, VariantMethod.Channel, budget, seed, "", control, null);
        }
        foreach (var (layerCriterion, channelCriterion, name) in new[]
                 {
                     (LayerCriterion.L1, ChannelCriterion.L1, "l1"), (LayerCriterion.Taylor, ChannelCriterion.Taylor, "taylor"),
                     (LayerCriterion.Random, ChannelCriterion.Random, "random"),
                 })
        {
            string control = $"criteria {name}/{name}";
            var l = PruneLayer(s, baseline, layerCriterion, budget, seed, control);
            Finetune(s, l, VariantMethod.Layer, budget, seed, "", control, null);
            var c = PruneChannel(s, baseline, l, channelCriterion, ChannelRanking.Uniform, 1, budget, seed, control);
            Finetune(s, c, VariantMethod.Channel, budget, seed, "", control, null);
        }
    }

    private CellSpec PruneLayer(CompareSettings s, CellSpec baseline, LayerCriterion criterion, double budget, int seed, string control) =>
        Add(FormattableString.Invariant($"prune {Prefix(control)}layer {budget:0.00} s{seed}"), CellKinds.Prune, new()
        {
            ["method"] = "layer", ["criterion"] = CriterionNames.Name(criterion), ["budget"] = D(budget), ["seed"] = I(seed),
            ["calibration"] = $"{s.CalibrationBatches}x{s.CalibrationBatchSize}", ["control"] = control,
        }, [baseline.Id]);

    /// <summary>Channel pruning to the FLOPs the layer pruning <paramref name="layer"/> landed on (read from its result).</summary>
    private CellSpec PruneChannel(CompareSettings s, CellSpec baseline, CellSpec layer, ChannelCriterion criterion, ChannelRanking ranking, int roundTo, double budget, int seed, string control) =>
        Add(FormattableString.Invariant($"prune {Prefix(control)}channel {budget:0.00} s{seed}"), CellKinds.Prune, new()
        {
            ["method"] = "channel", ["criterion"] = CriterionNames.Name(criterion), ["budget"] = D(budget), ["seed"] = I(seed),
            ["ranking"] = ranking.ToString().ToLowerInvariant(), ["round_to"] = I(roundTo),
            ["calibration"] = $"{s.CalibrationBatches}x{s.CalibrationBatchSize}", ["control"] = control,
        }, [baseline.Id, layer.Id]);

    private CellSpec Finetune(CompareSettings s, CellSpec prune, VariantMethod method, double budget, int seed, string suffix, string control, int? isoBatch)
    {
        string what = method == VariantMethod.IsoLatency ? $"iso-latency b{isoBatch}" : method.ToString().ToLowerInvariant();
        var cell = Add(FormattableString.Invariant($"finetune {Prefix(control)}{what} {budget:0.00} s{seed}"), CellKinds.Finetune, new()
        {
            ["epochs"] = I(s.FinetuneEpochs), ["lr"] = F(s.FinetuneLearningRate), ["train_batch"] = I(s.TrainBatch), ["seed"] = I(seed),
        }, [prune.Id]);
        _variants.Add(new VariantSlot(cell.Id, prune.Id, method, budget, seed, suffix, control, isoBatch));
        return cell;
    }

    private static string Prefix(string control) => control.Length > 0 ? control + " " : "";

    private CellSpec Add(string name, string kind, Dictionary<string, string> inputs, IReadOnlyList<string> dependencies, bool exclusive = false)
    {
        foreach (var (k, v) in _common) inputs.TryAdd(k, v);
        var cell = CellSpec.Create(name, kind, _code, inputs, dependencies, exclusive);
        if (_cells.Any(c => c.Id == cell.Id)) throw new InvalidOperationException($"two cells of the experiment have the same inputs: {name}");
        _cells.Add(cell);
        return cell;
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
