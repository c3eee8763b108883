namespace CudaPrune.Core.Training;

/// <summary>A resume file written by a run whose options differ from the resuming run's; names the option.</summary>
public sealed class ResumeMismatchException(string path, string option, string was, string now)
    : InvalidOperationException($"cannot resume from '{path}': option '{option}' differs (the interrupted run had {was}, this run has {now}); " +
        "resume with the same options, or start over in another folder")
{
    public string Option { get; } = option;
}
