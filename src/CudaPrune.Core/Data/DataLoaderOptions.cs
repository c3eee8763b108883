namespace CudaPrune.Core.Data;

/// <summary>How a <see cref="DataLoader"/> makes batches; <see cref="Training"/> and <see cref="Evaluation"/> are the two usual settings.</summary>
public sealed record DataLoaderOptions
{
    public int BatchSize { get; init; } = 128;

    /// <summary>A new order every epoch, drawn from <see cref="Seed"/> and the epoch number.</summary>
    public bool Shuffle { get; init; }

    /// <summary>Random crop with 4-pixel padding and random horizontal flip, drawn from <see cref="Seed"/>, the epoch and the batch.</summary>
    public bool Augment { get; init; }

    /// <summary>Leave out the last batch when it would be smaller than <see cref="BatchSize"/>.</summary>
    public bool DropLast { get; init; }

    public int Seed { get; init; }

    /// <summary>
    /// Recycle full-size batches instead of allocating new ones: a batch then stays valid only until the next one
    /// is asked for. The smaller last batch of an epoch is always new.
    /// </summary>
    public bool ReuseBuffers { get; init; }

    /// <summary>How many batches the background thread prepares ahead.</summary>
    public int Prefetch { get; init; } = 3;

    /// <summary>Shuffled and augmented.</summary>
    public static DataLoaderOptions Training(int batchSize, int seed) =>
        new() { BatchSize = batchSize, Seed = seed, Shuffle = true, Augment = true };

    /// <summary>Dataset order, no augmentation, every image once.</summary>
    public static DataLoaderOptions Evaluation(int batchSize) => new() { BatchSize = batchSize };
}
