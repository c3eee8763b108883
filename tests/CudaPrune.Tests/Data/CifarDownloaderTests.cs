using System.Net;
using System.Security.Cryptography;
using CudaPrune.Core.Data;

namespace CudaPrune.Tests.Data;

public class CifarDownloaderTests
{
    private static readonly Uri FakeUrl = new("https://example.invalid/cifar-10-binary.tar.gz");

    private CifarFixture _fixture = null!;

    [SetUp]
    public void SetUp() => _fixture = new CifarFixture(trainPerClass: 1, testPerClass: 1);

    [TearDown]
    public void TearDown() => _fixture.Dispose();

    [Test]
    public void Md5MismatchLeavesNoFile()
    {
        var folder = _fixture.Folder("data");
        var downloader = new CifarDownloader(Serving(new byte[5000]), FakeUrl);
        var error = Assert.ThrowsAsync<InvalidDataException>(() => downloader.DownloadAsync(folder));
        Assert.That(error.Message, Does.Contain(Cifar10.BinaryArchiveMd5).And.Contain(Convert.ToHexStringLower(MD5.HashData(new byte[5000]))));
        Assert.That(Directory.GetFiles(folder), Is.Empty);
    }

    [Test]
    public void VerifiedDownloadIsKeptAndProgressReported()
    {
        var folder = _fixture.Folder("data");
        var content = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray();
        var progress = new Recorder();
        var downloader = new CifarDownloader(Serving(content), FakeUrl, Convert.ToHexStringLower(MD5.HashData(content)));

        var path = downloader.DownloadAsync(folder, progress).GetAwaiter().GetResult();

        Assert.That(path, Is.EqualTo(Path.Combine(folder, Cifar10.BinaryArchiveName)));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(content));
        Assert.That(Directory.GetFiles(folder), Has.Length.EqualTo(1), "no .part left");
        Assert.That(progress.Reports.First(), Is.EqualTo(new DownloadProgress(0, content.Length)));
        Assert.That(progress.Reports.Last(), Is.EqualTo(new DownloadProgress(content.Length, content.Length)));
        Assert.That(progress.Reports.Select(r => r.BytesReceived), Is.Ordered);
    }

    [Test]
    public void NothingFoundDownloadsIntoData()
    {
        var work = _fixture.Folder("main");
        var archive = File.ReadAllBytes(_fixture.WriteBinaryArchive(_fixture.Folder("server")));
        var downloader = new CifarDownloader(Serving(archive), FakeUrl, Convert.ToHexStringLower(MD5.HashData(archive)));
        var locator = new CifarLocator(work, _ => null);

        var source = locator.LocateOrDownloadAsync(null, downloader).GetAwaiter().GetResult();

        var expected = Path.Combine(work, "data", Cifar10.BinaryArchiveName);
        Assert.That(source, Is.EqualTo(new CifarSource(expected, CifarFormat.BinaryArchive, Path.Combine(work, "data"), "download")));
        DataAssert.Identical(CifarReader.Decode(source, CifarSplit.Test), _fixture.Test);
        Assert.That(locator.Locate(), Is.EqualTo(source with { FoundBy = "data/" }), "the next run finds it");
    }

    [Test]
    public void NoNetworkGivesOneMessageSayingWhereToPutTheFile()
    {
        var work = _fixture.Folder("main");
        var offline = new Handler(_ => throw new HttpRequestException("Name or service not known (example.invalid:443)"));
        var locator = new CifarLocator(work, _ => null);

        var error = Assert.ThrowsAsync<CifarNotFoundException>(() => locator.LocateOrDownloadAsync(null, new CifarDownloader(offline, FakeUrl)));

        Assert.That(error.Message, Does.Contain(Path.Combine(work, "data", "cifar-10-binary.tar.gz"))
            .And.Contain("CIFAR10_DIR").And.Contain(FakeUrl.ToString()).And.Contain("Name or service not known"));
        Assert.That(Directory.Exists(Path.Combine(work, "data")) ? Directory.GetFiles(Path.Combine(work, "data")) : [], Is.Empty);
    }

    [Test]
    public void HttpErrorIsReportedLikeNoNetwork()
    {
        var work = _fixture.Folder("main");
        var notFound = new Handler(_ => new HttpResponseMessage(HttpStatusCode.NotFound));
        var error = Assert.ThrowsAsync<CifarNotFoundException>(() =>
            new CifarLocator(work, _ => null).LocateOrDownloadAsync(null, new CifarDownloader(notFound, FakeUrl)));
        Assert.That(error.Message, Does.Contain("404"));
    }

    private static Handler Serving(byte[] content) =>
        new(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(content) });

    private sealed class Handler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(respond(request));
    }

    private sealed class Recorder : IProgress<DownloadProgress>
    {
        public List<DownloadProgress> Reports { get; } = [];

        public void Report(DownloadProgress value) => Reports.Add(value);
    }
}
