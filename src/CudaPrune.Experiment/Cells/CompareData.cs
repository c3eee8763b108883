using CudaPrune.Core.Data;

namespace CudaPrune.Experiment.Cells;

/// <summary>
/// The experiment's images, derived from the splits and the settings alone (so every process, every cell and every
/// rerun sees the same ones): the class-balanced subsets, and the validation images held out of the training split.
/// </summary>
public sealed class CompareData
{
    public CifarDataset Train { get; }

    public CifarDataset? Validation { get; }

    public CifarDataset Test { get; }

    public string Dataset { get; }

    /// <summary>Training images before the validation images were held out.</summary>
    public int TrainImages => Train.Count;

    public CompareData(CompareSettings settings, CifarDataset train, CifarDataset test, string dataset, Action<string>? note = null)
    {
        Dataset = dataset;
        train = Subset(train, settings.TrainSubset, "--train-subset", settings.Seed);
        Test = Subset(test, settings.TestSubset, "--test-subset", settings.Seed);
        int size = Math.Min(settings.ValidationImages, train.Count / 5);
        if (size < 10)
        {
            Train = train;
            return;
        }
        var held = BalancedSubset.Indices(train.Labels, size, settings.Seed + 7919).ToHashSet();
        var rest = Enumerable.Range(0, train.Count).Where(i => !held.Contains(i)).ToList();
        note?.Invoke($"validation: {size:N0} training images held out for calibration and the baseline's per-epoch accuracy; {rest.Count:N0} left to train on");
        Train = train.Select(rest);
        Validation = train.Select([.. held.Order()]);
    }

    private static CifarDataset Subset(CifarDataset data, int? size, string option, int seed)
    {
        if (size is not int n) return data;
        if (n > data.Count) throw new ArgumentException($"{option} {n} is more than the {data.Count:N0} images of the split");
        return BalancedSubset.Of(data, n, seed);
    }
}
