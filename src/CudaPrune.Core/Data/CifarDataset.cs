namespace CudaPrune.Core.Data;

/// <summary>
/// One split of CIFAR-10 in memory: uint8 images [N, 3, 32, 32] (planar RGB, the layout of the binary
/// release) in one array, and an int label per image.
/// </summary>
public sealed class CifarDataset
{
    public CifarDataset(byte[] images, int[] labels)
    {
        if (images.Length != (long)labels.Length * Cifar10.ImageBytes)
            throw new ArgumentException(
                $"images hold {images.Length:N0} bytes; {labels.Length:N0} labels need {(long)labels.Length * Cifar10.ImageBytes:N0} ({Cifar10.ImageBytes:N0} per image)");
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= Cifar10.ClassCount)
                throw new ArgumentException($"label {labels[i]} of image {i} is outside 0..{Cifar10.ClassCount - 1}");
        Images = images;
        Labels = labels;
    }

    /// <summary>Pixels of all images, [Count, 3, 32, 32].</summary>
    public byte[] Images { get; }

    public int[] Labels { get; }

    public int Count => Labels.Length;

    public IReadOnlyList<string> ClassNames => Cifar10.ClassNames;

    /// <summary>The 3,072 bytes of image <paramref name="index"/>: its R, G and B planes.</summary>
    public ReadOnlySpan<byte> Image(int index) => Images.AsSpan(index * Cifar10.ImageBytes, Cifar10.ImageBytes);

    /// <summary>How many images each class has, indexed by label.</summary>
    public int[] CountPerClass()
    {
        var counts = new int[Cifar10.ClassCount];
        foreach (int label in Labels)
            counts[label]++;
        return counts;
    }

    /// <summary>A copy holding the images at <paramref name="indices"/>, in that order.</summary>
    public CifarDataset Select(IReadOnlyList<int> indices)
    {
        var images = new byte[indices.Count * Cifar10.ImageBytes];
        var labels = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Image(indices[i]).CopyTo(images.AsSpan(i * Cifar10.ImageBytes));
            labels[i] = Labels[indices[i]];
        }
        return new CifarDataset(images, labels);
    }
}
