namespace CudaPrune.Profiling.Latency;

/// <summary>The size of the host's last-level cache, from Linux's sysfs.</summary>
internal static class HostCache
{
    /// <summary>Bytes of the highest cache level of CPU 0, or 0 when unknown.</summary>
    public static long LastLevelBytes()
    {
        const string caches = "/sys/devices/system/cpu/cpu0/cache";
        if (!Directory.Exists(caches)) return 0;
        var (level, bytes) = (0, 0L);
        foreach (var dir in Directory.EnumerateDirectories(caches, "index*"))
        {
            try
            {
                int l = int.Parse(File.ReadAllText(Path.Combine(dir, "level")).Trim());
                var size = File.ReadAllText(Path.Combine(dir, "size")).Trim();
                long b = size.EndsWith('K') ? long.Parse(size[..^1]) << 10 : size.EndsWith('M') ? long.Parse(size[..^1]) << 20 : long.Parse(size);
                if (l > level || l == level && b > bytes) (level, bytes) = (l, b);
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
                // an unreadable cache entry: skip it
            }
        }
        return bytes;
    }
}
