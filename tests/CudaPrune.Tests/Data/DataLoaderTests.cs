using CudaPrune.Core.Data;

namespace CudaPrune.Tests.Data;

public class DataLoaderTests
{
    // 103 images: a prime, so the last batch of 16 is partial (7).
    private static readonly CifarDataset Data = Random(103);

    [TestCase(false)]
    [TestCase(true)]
    public void EveryIndexComesExactlyOncePerEpoch(bool reuseBuffers)
    {
        var loader = new DataLoader(Data, DataLoaderOptions.Training(16, seed: 5) with { ReuseBuffers = reuseBuffers });
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var seen = new List<int>();
            var sizes = new List<int>();
            foreach (var batch in loader.Epoch(epoch))
            {
                seen.AddRange(batch.Indices);
                sizes.Add(batch.Count);
                for (int i = 0; i < batch.Count; i++)
                    Assert.That(batch.Labels[i], Is.EqualTo(Data.Labels[batch.Indices[i]]));
            }
            Assert.That(seen, Is.EquivalentTo(Enumerable.Range(0, Data.Count)));
            Assert.That(seen, Is.Not.Ordered, "shuffled");
            Assert.That(sizes, Is.EqualTo(new[] { 16, 16, 16, 16, 16, 16, 7 }));
            Assert.That(loader.BatchesPerEpoch, Is.EqualTo(7));
        }
    }

    [Test]
    public void DropLastLeavesOutThePartialBatch()
    {
        var loader = new DataLoader(Data, DataLoaderOptions.Training(16, seed: 5) with { DropLast = true });
        var batches = loader.Epoch(0).ToList();
        Assert.That(batches.Select(b => b.Count), Is.All.EqualTo(16));
        Assert.That(batches, Has.Count.EqualTo(6).And.Count.EqualTo(loader.BatchesPerEpoch));
        Assert.That(batches.SelectMany(b => b.Indices).Distinct().Count(), Is.EqualTo(96));
    }

    [Test]
    public void SameSeedGivesTheSameBatches()
    {
        var options = DataLoaderOptions.Training(16, seed: 11);
        var first = Snapshot(new DataLoader(Data, options), 1);
        var again = Snapshot(new DataLoader(Data, options with { ReuseBuffers = true, Prefetch = 1 }), 1);
        Assert.That(again, Is.EqualTo(first));
        Assert.That(Snapshot(new DataLoader(Data, options with { Seed = 12 }), 1), Is.Not.EqualTo(first));
        Assert.That(Snapshot(new DataLoader(Data, options), 2), Is.Not.EqualTo(first), "a new epoch, a new order");
    }

    [Test]
    public void AugmentedImagesAreCropsAndFlipsOfTheirSource()
    {
        var loader = new DataLoader(Data, DataLoaderOptions.Training(32, seed: 3));
        var expected = new float[Cifar10.ImageBytes];
        int changed = 0, images = 0;
        foreach (var batch in loader.Epoch(0))
            for (int i = 0; i < batch.Count; i++, images++)
            {
                var actual = batch.Images.AsSpan(i * Cifar10.ImageBytes, Cifar10.ImageBytes);
                bool matched = false;
                for (int position = 0; position < 81 * 2 && !matched; position++)
                {
                    ImageTransform.Write(Data.Image(batch.Indices[i]), expected, position / 2 % 9, position / 18, position % 2 == 1);
                    matched = actual.SequenceEqual(expected);
                    if (matched && position != 4 * 18 + 4 * 2)
                        changed++;
                }
                Assert.That(matched, Is.True, $"image {i} of batch {batch.Number} is no crop and flip of dataset image {batch.Indices[i]}");
            }
        Assert.That(changed, Is.GreaterThan(images * 3 / 4), "most images are shifted or flipped");
    }

    [Test]
    public void EvaluationIsDatasetOrderWithoutAugmentation()
    {
        var loader = new DataLoader(Data, DataLoaderOptions.Evaluation(50));
        var batches = loader.Epoch(0).ToList();
        Assert.That(batches.SelectMany(b => b.Indices), Is.EqualTo(Enumerable.Range(0, Data.Count)));
        Assert.That(batches.Select(b => b.Count), Is.EqualTo(new[] { 50, 50, 3 }));
        var expected = new float[Cifar10.ImageBytes];
        ImageTransform.Write(Data.Image(57), expected);
        Assert.That(batches[1].Images.AsSpan(7 * Cifar10.ImageBytes, Cifar10.ImageBytes).SequenceEqual(expected), Is.True);
    }

    [Test]
    public void ReusedBuffersComeBackAndSayTheSame()
    {
        var options = DataLoaderOptions.Training(8, seed: 1) with { ReuseBuffers = true, Prefetch = 2 };
        var arrays = new HashSet<float[]>(ReferenceEqualityComparer.Instance);
        foreach (var batch in new DataLoader(Data, options).Epoch(0))
            arrays.Add(batch.Images);
        // 12 full batches share at most Prefetch + 2 buffers; the partial 13th is its own.
        Assert.That(arrays, Has.Count.LessThanOrEqualTo(options.Prefetch + 2 + 1));
        Assert.That(Snapshot(new DataLoader(Data, options), 0), Is.EqualTo(Snapshot(new DataLoader(Data, options with { ReuseBuffers = false }), 0)));
    }

    [Test]
    public void StoppingEarlyStopsTheBackgroundThread()
    {
        var loader = new DataLoader(Data, DataLoaderOptions.Training(4, seed: 1) with { Prefetch = 1, ReuseBuffers = true });
        for (int round = 0; round < 3; round++)
        {
            int taken = 0;
            foreach (var _ in loader.Epoch(round))
                if (++taken == 2)
                    break;
            Assert.That(taken, Is.EqualTo(2));
        }
        Assert.That(loader.Epoch(0).Count(), Is.EqualTo(26));
    }

    // Every batch's indices, labels and pixels, as one comparable list.
    private static List<string> Snapshot(DataLoader loader, int epoch) =>
        loader.Epoch(epoch)
            .Select(b => $"{string.Join(',', b.Indices)}|{string.Join(',', b.Labels)}|{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.Images.AsSpan())))}")
            .ToList();

    private static CifarDataset Random(int count)
    {
        var random = new System.Random(42);
        var images = new byte[count * Cifar10.ImageBytes];
        random.NextBytes(images);
        return new CifarDataset(images, Enumerable.Range(0, count).Select(i => i % Cifar10.ClassCount).ToArray());
    }
}
