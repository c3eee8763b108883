using System.CommandLine;
using CudaPrune.Core.Backends;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Cli.Options;

/// <summary>
/// The <c>--allow-nonfinite</c> option of every command that loads a checkpoint's weights: without it a tensor
/// holding NaN or ±Inf fails the load naming the tensor; with it the model loads anyway (forensics) and each
/// such tensor is a warning on stderr.
/// </summary>
public static class NonFiniteOption
{
    public const string Name = "--allow-nonfinite";

    public static Option<bool> Create() => new(Name)
    {
        Description = "Load the checkpoint even when a tensor holds NaN or ±Inf (forensics on a diverged run): a warning per such tensor on stderr instead of an error.",
    };

    /// <summary>What <see cref="Checkpoint.Load(string, IBackend, Action{NonFiniteValues}?)"/> is given: null (refuse) unless allowed.</summary>
    public static Action<NonFiniteValues>? Acceptor(bool allow) =>
        allow ? v => Console.Error.WriteLine($"warning: {v}; loaded anyway ({Name})") : null;

    /// <summary>Loads a checkpoint; a refused non-finite tensor says how to load it anyway.</summary>
    public static Model Load(string path, IBackend backend, bool allow) => Guard(() => Checkpoint.Load(path, backend, Acceptor(allow)));

    /// <summary>Runs a load; a refused non-finite tensor's error gains the hint to pass <see cref="Name"/>.</summary>
    public static T Guard<T>(Func<T> load)
    {
        try
        {
            return load();
        }
        catch (NonFiniteTensorException e)
        {
            throw new CheckpointException(e.FilePath, $"{e.Values}; pass {Name} to load it anyway", e.TensorName, e);
        }
    }
}
