using CudaPrune.Core.Data;

namespace CudaPrune.Interop.Reference;

/// <summary>Normalised input batches [N,3,32,32] for cross-checks with other engines: CIFAR-10 images, or seeded random pixels.</summary>
public static class ReferenceImages
{
    /// <summary>The first <paramref name="count"/> images of <paramref name="data"/>, normalised as in evaluation (no crop, no flip).</summary>
    public static float[] FromDataset(CifarDataset data, int count)
    {
        if (count < 1 || count > data.Count) throw new ArgumentOutOfRangeException(nameof(count), $"count must be between 1 and {data.Count}, got {count}");
        var images = new float[count * Cifar10.ImageBytes];
        for (int i = 0; i < count; i++) ImageTransform.Write(data.Image(i), images.AsSpan(i * Cifar10.ImageBytes, Cifar10.ImageBytes));
        return images;
    }

    /// <summary>Random pixel bytes, normalised like real images: the same value range a trained model sees, without needing the data set.</summary>
    public static float[] Random(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var pixels = new byte[Cifar10.ImageBytes];
        var images = new float[count * Cifar10.ImageBytes];
        var rng = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            rng.NextBytes(pixels);
            ImageTransform.Write(pixels, images.AsSpan(i * Cifar10.ImageBytes, Cifar10.ImageBytes));
        }
        return images;
    }
}
