using System.Threading.Channels;

namespace CudaPrune.Core.Data;

/// <summary>
/// Yields the mini-batches of an epoch, prepared on a background thread a few batches ahead (a bounded channel):
/// shuffled per epoch, augmented and normalised, all derived from one seed so the same seed gives the same batches.
/// The loader knows nothing of backends; the consumer uploads each batch itself.
/// </summary>
public sealed class DataLoader
{
    public DataLoader(CifarDataset data, DataLoaderOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Prefetch);
        if (data.Count == 0)
            throw new ArgumentException("the dataset holds no images", nameof(data));
        Data = data;
        Options = options;
    }

    public CifarDataset Data { get; }

    public DataLoaderOptions Options { get; }

    public int BatchesPerEpoch => Options.DropLast
        ? Data.Count / Options.BatchSize
        : (Data.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The order in which an epoch visits the dataset: a seeded permutation when shuffling, else 0..N-1.</summary>
    public int[] EpochOrder(int epoch)
    {
        var order = Enumerable.Range(0, Data.Count).ToArray();
        if (Options.Shuffle)
            SeededRandom.For(Options.Seed, SeededRandom.ShuffleStream, epoch).Shuffle(order);
        return order;
    }

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/>, in order. Stopping early (break) stops the background thread;
    /// an error there is thrown here.
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch)
    {
        var order = EpochOrder(epoch);
        var ready = Channel.CreateBounded<Batch>(new BoundedChannelOptions(Options.Prefetch) { SingleReader = true, SingleWriter = true });
        // With reuse: prefetched batches, the one being filled and the one the consumer holds.
        Channel<Batch>? free = null;
        if (Options.ReuseBuffers)
        {
            free = Channel.CreateUnbounded<Batch>();
            for (int i = 0; i < Options.Prefetch + 2; i++)
                free.Writer.TryWrite(new Batch(Options.BatchSize));
        }

        using var stop = new CancellationTokenSource();
        var producer = Task.Factory.StartNew(
            () => Produce(order, epoch, ready.Writer, free?.Reader, stop.Token),
            stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Batch? held = null;
        try
        {
            while (true)
            {
                if (held is not null && free is not null && held.Count == Options.BatchSize)
                    free.Writer.TryWrite(held);
                if (!ready.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                    break;
                ready.Reader.TryRead(out held);
                yield return held!;
            }
            producer.GetAwaiter().GetResult(); // the producer's own exception, not an AggregateException
        }
        finally
        {
            stop.Cancel();
            try
            {
                producer.Wait();
            }
            catch (AggregateException)
            {
                // Reached only after an early stop or a failure already being thrown: nothing more to report.
            }
        }
    }

    /// <summary>Fills <paramref name="batch"/> with the images at <paramref name="indices"/> (the work of the background thread, public for benchmarks).</summary>
    public void Fill(Batch batch, ReadOnlySpan<int> indices, int epoch, int number)
    {
        if (indices.Length != batch.Count)
            throw new ArgumentException($"{indices.Length} indices for a batch of {batch.Count}");
        var random = SeededRandom.For(Options.Seed, SeededRandom.AugmentStream, epoch, number);
        batch.Number = number;
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            batch.Indices[i] = index;
            batch.Labels[i] = Data.Labels[index];
            var destination = batch.Images.AsSpan(i * Cifar10.ImageBytes, Cifar10.ImageBytes);
            if (Options.Augment)
            {
                int cropX = random.NextInt(ImageTransform.CropPositions);
                int cropY = random.NextInt(ImageTransform.CropPositions);
                bool flip = random.NextInt(2) == 1;
                ImageTransform.Write(Data.Image(index), destination, cropX, cropY, flip);
            }
            else
            {
                ImageTransform.Write(Data.Image(index), destination);
            }
        }
    }

    private void Produce(int[] order, int epoch, ChannelWriter<Batch> ready, ChannelReader<Batch>? free, CancellationToken stop)
    {
        try
        {
            for (int number = 0; number < BatchesPerEpoch; number++)
            {
                int start = number * Options.BatchSize;
                int count = Math.Min(Options.BatchSize, order.Length - start);
                var batch = free is not null && count == Options.BatchSize
                    ? free.ReadAsync(stop).AsTask().GetAwaiter().GetResult()
                    : new Batch(count);
                Fill(batch, order.AsSpan(start, count), epoch, number);
                ready.WriteAsync(batch, stop).AsTask().GetAwaiter().GetResult();
            }
        }
        finally
        {
            ready.TryComplete();
        }
    }
}
