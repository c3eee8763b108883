using System.Security.Cryptography;

namespace CudaPrune.Core.Data;

/// <summary>
/// Downloads the official cifar-10-binary.tar.gz into a folder, reporting progress, and keeps it only when its
/// MD5 matches: bytes go to a .part file that is renamed once verified and deleted otherwise.
/// </summary>
/// <param name="handler">The HTTP handler (tests pass a fake); null: a real one with a 30 s connect timeout.</param>
/// <param name="url">Where to download from; null: <see cref="Cifar10.BinaryArchiveUrl"/>.</param>
/// <param name="expectedMd5">The MD5 (hex) the file must have.</param>
public sealed class CifarDownloader(HttpMessageHandler? handler = null, Uri? url = null, string expectedMd5 = Cifar10.BinaryArchiveMd5)
{
    public Uri Url { get; } = url ?? new Uri(Cifar10.BinaryArchiveUrl);

    /// <summary>Downloads into <paramref name="folder"/> and returns the verified file's path.</summary>
    public async Task<string> DownloadAsync(string folder, IProgress<DownloadProgress>? progress = null, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, Cifar10.BinaryArchiveName);
        var part = target + ".part";
        using var client = new HttpClient(handler ?? new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(30) }, disposeHandler: handler is null)
        {
            Timeout = Timeout.InfiniteTimeSpan, // 170 MB may take long on a slow line; the connect timeout catches a dead one
        };
        try
        {
            using var response = await client.GetAsync(Url, HttpCompletionOption.ResponseHeadersRead, cancel);
            response.EnsureSuccessStatusCode();
            long? total = response.Content.Headers.ContentLength;
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            long received = 0;
            await using (var input = await response.Content.ReadAsStreamAsync(cancel))
            await using (var output = new FileStream(part, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                progress?.Report(new DownloadProgress(0, total));
                int n;
                while ((n = await input.ReadAsync(buffer, cancel)) > 0)
                {
                    md5.AppendData(buffer, 0, n);
                    await output.WriteAsync(buffer.AsMemory(0, n), cancel);
                    received += n;
                    progress?.Report(new DownloadProgress(received, total));
                }
            }
            var actual = Convert.ToHexStringLower(md5.GetHashAndReset());
            if (!string.Equals(actual, expectedMd5, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException(
                    $"{Url}: the download ({received:N0} bytes) has MD5 {actual}, expected {expectedMd5}; it was deleted");
            File.Move(part, target, overwrite: true);
            return target;
        }
        finally
        {
            File.Delete(part); // only a verified download survives; a no-op after the rename
        }
    }
}
