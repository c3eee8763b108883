namespace CudaPrune.Profiling.Latency;

/// <summary>The profile of one model on one device, at every batch size asked.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Device">The device in words.</param>
/// <param name="FoldedBatchNorm">Whether batch norms were folded into the convolutions before profiling.</param>
public sealed record ModelProfile(string Model, string Device, DevicePeaks Peaks, bool FoldedBatchNorm, ProfileOptions Options, IReadOnlyList<BatchProfile> Batches)
{
    /// <summary>The profile at <paramref name="batch"/>; throws when it was not measured.</summary>
    public BatchProfile At(int batch) => Batches.FirstOrDefault(b => b.Batch == batch)
        ?? throw new ArgumentException($"model '{Model}' was not profiled at batch {batch}; batches: {string.Join(", ", Batches.Select(b => b.Batch))}");
}
