namespace CudaPrune.Experiment.Engines;

/// <summary>Whether an engine can run on this machine and in this build; when not, the reason in words.</summary>
public sealed record EngineAvailability(bool IsAvailable, string? Reason)
{
    public static EngineAvailability Available { get; } = new(true, null);

    public static EngineAvailability Unavailable(string reason) => new(false, reason);

    public override string ToString() => IsAvailable ? "available" : $"not available: {Reason}";
}
