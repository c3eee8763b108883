using System.Security.Cryptography;
using System.Text.Json;

namespace CudaPrune.Experiment.Cells;

/// <summary>
/// The cells of a run folder: <c>cells/NAME-ID/</c> holds a finished cell (its outputs and cell.json);
/// <c>cells/.work/NAME-ID/</c> is where a cell works (a training cell's per-epoch resume file lives there, so a killed
/// cell continues from its last epoch). A cell becomes finished in one rename of its work folder, after its cell.json
/// was written: a kill at any moment leaves either no finished folder or a complete one. A finished cell is used only
/// when every output matches the SHA-256 in its cell.json.
/// </summary>
public sealed class CellStore(string runFolder)
{
    public string Root { get; } = Path.Combine(Path.GetFullPath(runFolder), "cells");

    public string FinishedFolder(CellSpec spec) => Path.Combine(Root, spec.FolderName);

    public string WorkFolder(CellSpec spec) => Path.Combine(Root, ".work", spec.FolderName);

    /// <summary>The finished cell's record, or null with why it cannot be used ("" when it never finished).</summary>
    public (CellRecord? Record, string Problem) Finished(CellSpec spec)
    {
        var folder = FinishedFolder(spec);
        if (!Directory.Exists(folder)) return (null, "");
        var file = Path.Combine(folder, CellRecord.FileName);
        if (!File.Exists(file)) return (null, "its cell.json is missing");
        CellRecord record;
        try
        {
            record = CellRecord.Parse(File.ReadAllText(file));
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or IOException)
        {
            return (null, $"its cell.json cannot be read ({e.Message})");
        }
        if (record.Id != spec.Id) return (null, $"its cell.json is of cell {record.Id}, not {spec.Id}");
        if (record.Status != CellRecord.Done) return (null, $"its status is {record.Status}");
        foreach (var (name, sha) in record.Outputs)
        {
            var path = Path.Combine(folder, name);
            if (!File.Exists(path)) return (null, $"its output {name} is missing");
            if (!string.Equals(Sha256(path), sha, StringComparison.OrdinalIgnoreCase)) return (null, $"its output {name} does not match the SHA-256 in cell.json (corrupt or half-written)");
        }
        return (record, "");
    }

    /// <summary>Removes a finished folder that cannot be used, so the cell is redone.</summary>
    public void Discard(CellSpec spec)
    {
        var folder = FinishedFolder(spec);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>A clean work folder, or the one a killed run left (with its resume file) when <paramref name="keep"/>.</summary>
    public string PrepareWork(CellSpec spec, bool keep)
    {
        var work = WorkFolder(spec);
        if (Directory.Exists(work) && !keep) Directory.Delete(work, recursive: true);
        Directory.CreateDirectory(work);
        return work;
    }

    /// <summary>
    /// Checksums the outputs in the work folder, writes cell.json there and renames the folder into place; files in
    /// the work folder that are not outputs (resume files, temporaries) are removed first.
    /// </summary>
    public CellRecord Commit(CellSpec spec, CellRecord record, IReadOnlyList<string> outputs)
    {
        var work = WorkFolder(spec);
        foreach (var file in Directory.GetFiles(work).Where(f => !outputs.Contains(Path.GetFileName(f)) && Path.GetFileName(f) != "log.txt"))
            File.Delete(file);
        var sums = outputs.ToDictionary(o => o, o => Sha256(Path.Combine(work, o)));
        var done = record with { Status = CellRecord.Done, Outputs = sums, Error = null };
        WriteAtomically(Path.Combine(work, CellRecord.FileName), done.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var final = FinishedFolder(spec);
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(work, final);
        return done;
    }

    /// <summary>Records a failure in the work folder's cell.json (the finished folder is never written for it).</summary>
    public void RecordFailure(CellSpec spec, CellRecord record)
    {
        var work = WorkFolder(spec);
        Directory.CreateDirectory(work);
        WriteAtomically(Path.Combine(work, CellRecord.FileName), (record with { Status = CellRecord.Failed }).ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static void WriteAtomically(string path, string text)
    {
        var temp = path + $".tmp-{Environment.ProcessId}";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
