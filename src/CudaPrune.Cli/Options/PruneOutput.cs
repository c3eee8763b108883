namespace CudaPrune.Cli.Options;

/// <summary>
/// Where <c>prune --out</c> writes: a path ending in .safetensors is the checkpoint itself; anything else
/// is a folder that gets model.safetensors and prune.json. Checked before any work, created only when writing.
/// </summary>
public sealed record PruneOutput(string CheckpointPath, string? ReportPath)
{
    public const string CheckpointFile = "model.safetensors";
    public const string ReportFile = "prune.json";

    public static PruneOutput Resolve(string output, string inputCheckpoint)
    {
        var full = Path.GetFullPath(output);
        PruneOutput result;
        if (full.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            if (Directory.Exists(full)) throw new ArgumentException($"--out {output} is a folder: a path ending in .safetensors names the checkpoint file itself");
            result = new PruneOutput(full, null);
        }
        else
        {
            if (File.Exists(full)) throw new ArgumentException($"--out {output} exists as a file: give a folder (it gets {CheckpointFile} and {ReportFile}) or a path ending in .safetensors");
            result = new PruneOutput(Path.Combine(full, CheckpointFile), Path.Combine(full, ReportFile));
        }
        if (string.Equals(result.CheckpointPath, Path.GetFullPath(inputCheckpoint), StringComparison.Ordinal))
            throw new ArgumentException($"--out {output} would overwrite the input checkpoint {inputCheckpoint}: write the pruned model elsewhere");
        return result;
    }
}
