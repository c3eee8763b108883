namespace CudaPrune.Core.Data;

/// <summary>The two splits of CIFAR-10: 50,000 training and 10,000 test images.</summary>
public enum CifarSplit
{
    Train,
    Test,
}

public static class CifarSplitExtensions
{
    /// <summary>The split's folder name in the image-folder layout, and its tag in cache file names.</summary>
    public static string FolderName(this CifarSplit split) => split switch
    {
        CifarSplit.Train => "train",
        CifarSplit.Test => "test",
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, null),
    };
}
