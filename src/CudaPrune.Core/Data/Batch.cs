namespace CudaPrune.Core.Data;

/// <summary>One mini-batch: normalised images [Count, 3, 32, 32], their labels, and their indices in the dataset.</summary>
public sealed class Batch
{
    public Batch(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Images = new float[count * Cifar10.ImageBytes];
        Labels = new int[count];
        Indices = new int[count];
    }

    public float[] Images { get; }

    public int[] Labels { get; }

    /// <summary>Which dataset image each slot holds.</summary>
    public int[] Indices { get; }

    public int Count => Labels.Length;

    /// <summary>The batch's position in its epoch (0, 1, ...).</summary>
    public int Number { get; internal set; }
}
