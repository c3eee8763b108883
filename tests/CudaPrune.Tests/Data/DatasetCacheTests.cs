using CudaPrune.Core.Data;

namespace CudaPrune.Tests.Data;

public class DatasetCacheTests
{
    private CifarFixture _fixture = null!;
    private List<string> _log = null!;

    [SetUp]
    public void SetUp()
    {
        _fixture = new CifarFixture();
        _log = [];
    }

    [TearDown]
    public void TearDown() => _fixture.Dispose();

    [Test]
    public void SecondReadComesFromTheCacheAndIsIdentical()
    {
        var (source, cache) = PngArchiveWithCache();
        var reader = new CifarReader(cache, _log.Add);

        var first = reader.Read(source, CifarSplit.Train);
        var path = cache.PathFor(source, CifarSplit.Train);
        Assert.That(File.Exists(path), Is.True);
        Assert.That(_log, Has.None.Contains("from the cache"));

        var second = reader.Read(source, CifarSplit.Train);
        Assert.That(_log.Last(), Does.Contain("from the cache"));
        DataAssert.Identical(second, first);
        DataAssert.Identical(second, _fixture.Train);
        Assert.That(Directory.GetFiles(cache.Directory, "*.tmp"), Is.Empty, "no temporary file left behind");
    }

    [Test]
    public void SplitsHaveTheirOwnCacheFiles()
    {
        var (source, cache) = PngArchiveWithCache();
        var reader = new CifarReader(cache, _log.Add);
        reader.Read(source, CifarSplit.Train);
        DataAssert.Identical(reader.Read(source, CifarSplit.Test), _fixture.Test);
        Assert.That(cache.PathFor(source, CifarSplit.Test), Is.Not.EqualTo(cache.PathFor(source, CifarSplit.Train)));
        DataAssert.Identical(reader.Read(source, CifarSplit.Test), _fixture.Test);
        Assert.That(_log.Last(), Does.Contain("from the cache"));
    }

    [TestCase("truncate")]
    [TestCase("flip a pixel")]
    [TestCase("bad magic")]
    [TestCase("empty")]
    public void DamagedCacheFileIsRebuilt(string damage)
    {
        var (source, cache) = PngArchiveWithCache();
        var reader = new CifarReader(cache, _log.Add);
        reader.Read(source, CifarSplit.Train);
        var path = cache.PathFor(source, CifarSplit.Train);
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "truncate": bytes = bytes[..^500]; break;
            case "flip a pixel": bytes[^700] ^= 0x10; break;
            case "bad magic": bytes[0] = (byte)'X'; break;
            default: bytes = []; break;
        }
        File.WriteAllBytes(path, bytes);

        Assert.That(cache.TryLoad(path, out var problem), Is.Null);
        Assert.That(problem, Does.Contain(path));
        var rebuilt = reader.Read(source, CifarSplit.Train);
        DataAssert.Identical(rebuilt, _fixture.Train);
        Assert.That(_log, Has.Some.Contains("rebuilding"));
        Assert.That(cache.TryLoad(path, out _), Is.Not.Null, "the rebuilt file is good");
    }

    [Test]
    public void ChangedSourceGetsANewCacheFile()
    {
        var (source, cache) = PngArchiveWithCache();
        var before = cache.PathFor(source, CifarSplit.Train);
        File.SetLastWriteTimeUtc(source.Path, File.GetLastWriteTimeUtc(source.Path).AddMinutes(-5));
        Assert.That(cache.PathFor(source, CifarSplit.Train), Is.Not.EqualTo(before));
    }

    [Test]
    public void ChangedImageInAFolderGetsANewCacheFile()
    {
        var folder = _fixture.WriteImageFolder(_fixture.Root, "png");
        var source = new CifarSource(folder, CifarFormat.ImageFolder, _fixture.Root, "test");
        var cache = new DatasetCache(_fixture.Folder("cache"));
        var before = cache.PathFor(source, CifarSplit.Test);
        File.WriteAllBytes(Path.Combine(folder, "test", "cat", "0000.png"), CifarFixture.Encode(_fixture.Test.Image(0), 32, 32, "png"));
        File.SetLastWriteTimeUtc(Path.Combine(folder, "test", "cat", "0000.png"), DateTime.UtcNow.AddHours(1));
        Assert.That(cache.PathFor(source, CifarSplit.Test), Is.Not.EqualTo(before));
        Assert.That(cache.PathFor(source, CifarSplit.Train), Is.Not.EqualTo(cache.PathFor(source, CifarSplit.Test)));
    }

    [Test]
    public void CacheGoesUnderTheDataRootWhenItIsWritable()
    {
        var root = _fixture.Folder("data");
        Assert.That(DatasetCache.For(root).Directory, Is.EqualTo(Path.Combine(root, "cache")));
    }

    [Test]
    public void ReadOnlyDataRootSendsTheCacheToTheUserCacheFolder()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes");
            return;
        }
        var root = _fixture.Folder("shared");
        File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        try
        {
            var cache = DatasetCache.For(root);
            Assert.That(cache.Directory, Is.EqualTo(DatasetCache.UserCacheDirectory()));
            Assert.That(Directory.Exists(Path.Combine(root, "cache")), Is.False, "nothing written into the read-only folder");
        }
        finally
        {
            File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Test]
    public void UnpackedBinaryReleaseIsReadWithoutACache()
    {
        var folder = _fixture.WriteBatchesFolder(_fixture.Root);
        var cacheFolder = Path.Combine(_fixture.Root, "cache");
        var reader = new CifarReader(new DatasetCache(cacheFolder), _log.Add);
        DataAssert.Identical(reader.Read(new CifarSource(folder, CifarFormat.BatchesFolder, _fixture.Root, "test"), CifarSplit.Test), _fixture.Test);
        Assert.That(Directory.Exists(cacheFolder), Is.False);
    }

    private (CifarSource, DatasetCache) PngArchiveWithCache()
    {
        var archive = _fixture.WriteImageArchive(_fixture.Root, "png");
        return (new CifarSource(archive, CifarFormat.ImageArchive, _fixture.Root, "test"), new DatasetCache(Path.Combine(_fixture.Root, "cache")));
    }
}
