namespace CudaPrune.Core.Data;

/// <summary>Facts about CIFAR-10: classes, image geometry, the binary record layout, normalisation statistics, the official download.</summary>
public static class Cifar10
{
    public const int Channels = 3;
    public const int Height = 32;
    public const int Width = 32;
    public const int PlaneBytes = Height * Width;        // 1,024
    public const int ImageBytes = Channels * PlaneBytes; // 3,072: the R, G, B planes of one image
    public const int RecordBytes = 1 + ImageBytes;       // 3,073: a label byte, then the image
    public const int ClassCount = 10;
    public const int TrainCount = 50_000;
    public const int TestCount = 10_000;

    /// <summary>Class names in label order (0..9); also the sorted order of the image-folder layout.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    // Per-channel statistics of the training pixels scaled to [0, 1]; inputs are (x - mean) / std.
    public const float MeanRed = 0.4914f;
    public const float MeanGreen = 0.4822f;
    public const float MeanBlue = 0.4465f;
    public const float StdRed = 0.2470f;
    public const float StdGreen = 0.2435f;
    public const float StdBlue = 0.2616f;

    /// <summary>Channel means (R, G, B) of pixels scaled to [0, 1].</summary>
    public static IReadOnlyList<float> Mean { get; } = [MeanRed, MeanGreen, MeanBlue];

    /// <summary>Channel standard deviations (R, G, B) of pixels scaled to [0, 1].</summary>
    public static IReadOnlyList<float> Std { get; } = [StdRed, StdGreen, StdBlue];

    public const string BinaryArchiveUrl = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
    public const string BinaryArchiveMd5 = "c32a1d4ab5d03f1284b67883e8d87530";

    // The names the locator looks for inside a data folder, in order of preference (exact pixels first).
    public const string BatchesFolderName = "cifar-10-batches-bin";
    public const string BinaryArchiveName = "cifar-10-binary.tar.gz";
    public const string ImageFolderName = "cifar10-jpeg";
    public const string ImageArchiveName = "cifar10-jpeg.tar.gz";

    /// <summary>The files of the binary release that hold a split, in the order their records are read.</summary>
    public static IReadOnlyList<string> BatchFiles(CifarSplit split) => split == CifarSplit.Train
        ? ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"]
        : ["test_batch.bin"];

    /// <summary>The label of a class name, or -1 when it is not a CIFAR-10 class.</summary>
    public static int ClassIndex(string name)
    {
        for (int i = 0; i < ClassCount; i++)
            if (string.Equals(ClassNames[i], name, StringComparison.Ordinal))
                return i;
        return -1;
    }
}
