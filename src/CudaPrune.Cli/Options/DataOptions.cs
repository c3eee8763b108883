using System.CommandLine;
using CudaPrune.Core.Data;

namespace CudaPrune.Cli.Options;

/// <summary>Where CIFAR-10 comes from (<c>--data</c>) and how much of it to train on and test on (<c>--train-subset</c>, <c>--test-subset</c>).</summary>
public sealed class DataOptions
{
    public Option<string?> Data { get; } = new("--data")
    {
        Description = "CIFAR-10 location: a cifar-10-batches-bin folder, cifar-10-binary.tar.gz, a cifar10-jpeg folder or cifar10-jpeg.tar.gz, or a folder holding one. Default: $CIFAR10_DIR, then data/, then ../shared/data/; if none is found the official archive is downloaded into data/.",
    };

    public Option<int?> TrainSubset { get; } = new("--train-subset")
    {
        Description = "Train on a class-balanced subset of N training images (deterministic for a seed). Default: all 50,000.",
    };

    public Option<int?> TestSubset { get; } = new("--test-subset")
    {
        Description = "Evaluate on a class-balanced subset of N test images (always the same N for a given N). Default: all 10,000.",
    };

    public void AddTo(Command cmd, bool withSubset = true, bool withTestSubset = false)
    {
        cmd.Options.Add(Data);
        if (withSubset) cmd.Options.Add(TrainSubset);
        if (withTestSubset) cmd.Options.Add(TestSubset);
    }

    /// <summary>Finds (or downloads) the data and says where it was found.</summary>
    public static CifarSource Locate(string? path)
    {
        var source = DownloadView.Run(progress => new CifarLocator().LocateOrDownloadAsync(path, new CifarDownloader(), progress, CommandRunner.Cancellation));
        Console.WriteLine($"data: {source.Describe()}");
        return source;
    }

    /// <summary>How results on this source must be labelled: the JPEG copy scores a little differently from the official release.</summary>
    public static string Label(CifarSource source) =>
        source.Format is CifarFormat.ImageArchive or CifarFormat.ImageFolder ? "CIFAR-10 (JPEG copy)" : "CIFAR-10";

    public static CifarDataset Read(CifarSource source, CifarSplit split) => new CifarReader(log: m => Console.WriteLine($"data: {m}")).Read(source, split);

    /// <summary>The training split, cut to <paramref name="subset"/> images when given.</summary>
    public static CifarDataset ReadTrain(CifarSource source, int? subset, int seed)
    {
        var train = Read(source, CifarSplit.Train);
        if (subset is not int n) return train;
        if (n < 10 || n > train.Count) throw new ArgumentException($"--train-subset must be between 10 and {train.Count}, got {n}");
        return BalancedSubset.Of(train, n, seed);
    }

    /// <summary>The test split, cut to <paramref name="subset"/> images when given (seed 1, so every command tests on the same images).</summary>
    public static CifarDataset ReadTest(CifarSource source, int? subset)
    {
        var test = Read(source, CifarSplit.Test);
        if (subset is not int n) return test;
        if (n < 10 || n > test.Count) throw new ArgumentException($"--test-subset must be between 10 and {test.Count}, got {n}");
        return BalancedSubset.Of(test, n, seed: 1);
    }
}
