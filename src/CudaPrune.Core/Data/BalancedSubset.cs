namespace CudaPrune.Core.Data;

/// <summary>
/// A deterministic class-balanced subset (--train-subset N): N / 10 images of each class, the first N mod 10
/// classes taking one more, drawn within each class with a seed, kept in dataset order.
/// </summary>
public static class BalancedSubset
{
    public static CifarDataset Of(CifarDataset data, int size, int seed) => data.Select(Indices(data.Labels, size, seed));

    public static int[] Indices(int[] labels, int size, int seed)
    {
        if (size <= 0 || size > labels.Length)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"a subset must hold 1..{labels.Length:N0} images");
        var chosen = new List<int>(size);
        for (int label = 0; label < Cifar10.ClassCount; label++)
        {
            int quota = size / Cifar10.ClassCount + (label < size % Cifar10.ClassCount ? 1 : 0);
            var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == label).ToArray();
            if (members.Length < quota)
                throw new ArgumentException(
                    $"class '{Cifar10.ClassNames[label]}' has {members.Length:N0} images; a balanced subset of {size:N0} needs {quota:N0} of it", nameof(size));
            SeededRandom.For(seed, SeededRandom.SubsetStream, epoch: 0, batch: label).Shuffle(members);
            chosen.AddRange(members.Take(quota));
        }
        chosen.Sort();
        return [.. chosen];
    }
}
