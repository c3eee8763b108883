using CudaPrune.Core.Data;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Pruning.Criteria;

/// <summary>
/// A few labelled training batches on the host, for the criteria that need data (Taylor, output-change)
/// and for checks: normalised, not augmented, in a seeded order.
/// </summary>
public sealed class CalibrationSet
{
    public CalibrationSet(IReadOnlyList<Batch> batches)
    {
        if (batches.Count == 0) throw new ArgumentException("a calibration set needs at least one batch");
        Batches = batches;
    }

    public IReadOnlyList<Batch> Batches { get; }

    public int ImageCount => Batches.Sum(b => b.Count);

    /// <summary>The first <paramref name="batches"/> batches of a seeded shuffle of <paramref name="data"/> (fewer when it is small).</summary>
    public static CalibrationSet From(CifarDataset data, int batches, int batchSize, int seed)
    {
        if (batches < 1) throw new ArgumentException($"--calibration-batches must be at least 1, got {batches}");
        if (batchSize < 1) throw new ArgumentException($"the calibration batch size must be at least 1, got {batchSize}");
        var loader = new DataLoader(data, new DataLoaderOptions { BatchSize = batchSize, Shuffle = true, Seed = seed });
        return new CalibrationSet(loader.Epoch(0).Take(batches).ToList());
    }

    /// <summary>The images of <paramref name="batch"/> as a tensor [N,C,H,W] of the model's input shape (in the current dispose scope).</summary>
    public static Tensor InputsOf(Model model, Batch batch)
    {
        var shape = model.Spec.InputShape.WithBatch(batch.Count);
        if (batch.Images.Length != batch.Count * model.Spec.InputShape.Count)
            throw new ArgumentException($"calibration batch of {batch.Count} images holds {batch.Images.Length} values; model '{model.Spec.Name}' needs {model.Spec.InputShape} per image");
        return model.Backend.FromArray(batch.Images, shape);
    }

    /// <summary>The labels of <paramref name="batch"/> as an int32 tensor [N].</summary>
    public static Tensor LabelsOf(Model model, Batch batch) => model.Backend.FromArray(batch.Labels, [batch.Count]);
}
