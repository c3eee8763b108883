using CudaPrune.Core.Data;

namespace CudaPrune.Tests.Data;

public class ImageReaderTests
{
    private CifarFixture _fixture = null!;

    [SetUp]
    public void SetUp() => _fixture = new CifarFixture();

    [TearDown]
    public void TearDown() => _fixture.Dispose();

    [TestCase(CifarSplit.Train)]
    [TestCase(CifarSplit.Test)]
    public void PngFolderGivesWhatTheBinaryReleaseGives(CifarSplit split)
    {
        var binary = CifarBinaryReader.ReadFolder(_fixture.WriteBatchesFolder(_fixture.Root), split);
        var folder = _fixture.WriteImageFolder(_fixture.Root, "png");
        DataAssert.Identical(ImageFolderReader.Read(folder, split), binary);
    }

    [TestCase(CifarSplit.Train)]
    [TestCase(CifarSplit.Test)]
    public void PngArchiveGivesWhatTheBinaryReleaseGives(CifarSplit split)
    {
        var binary = CifarBinaryReader.ReadArchive(_fixture.WriteBinaryArchive(_fixture.Root), split);
        var archive = _fixture.WriteImageArchive(_fixture.Root, "png");
        DataAssert.Identical(ImageArchiveReader.Read(archive, split), binary);
    }

    [Test]
    public void JpegFolderDecodesCloseToTheOriginalPixels()
    {
        var decoded = ImageFolderReader.Read(_fixture.WriteImageFolder(_fixture.Root, "jpg"), CifarSplit.Train);
        var original = _fixture.Train;
        Assert.That(decoded.Labels, Is.EqualTo(original.Labels));
        double total = 0;
        int worst = 0;
        for (int i = 0; i < original.Images.Length; i++)
        {
            int difference = Math.Abs(decoded.Images[i] - original.Images[i]);
            total += difference;
            worst = Math.Max(worst, difference);
        }
        Assert.That(total / original.Images.Length, Is.LessThan(1.5), "mean absolute difference");
        Assert.That(worst, Is.LessThan(24), "largest difference");
    }

    [Test]
    public void JpegArchiveGivesWhatTheJpegFolderGives()
    {
        var folder = ImageFolderReader.Read(_fixture.WriteImageFolder(_fixture.Root, "jpg"), CifarSplit.Test);
        var archive = ImageArchiveReader.Read(_fixture.WriteImageArchive(_fixture.Root, "jpg"), CifarSplit.Test);
        DataAssert.Identical(archive, folder);
    }

    [Test]
    public void ImagesAreOrderedByLabelThenFileName()
    {
        var root = _fixture.Folder("ordered");
        // Written in neither order; ordinal names sort 1 < 10 < 2.
        var written = new[] { ("dog", "2.png", 50), ("airplane", "9.png", 10), ("dog", "10.png", 40), ("dog", "1.png", 30), ("airplane", "5.png", 20) };
        foreach (var className in Cifar10.ClassNames)
            Directory.CreateDirectory(Path.Combine(root, "test", className));
        foreach (var (className, file, value) in written)
            WriteFlatPng(Path.Combine(root, "test", className, file), (byte)value);
        foreach (var className in Cifar10.ClassNames.Except(["dog", "airplane"]))
            WriteFlatPng(Path.Combine(root, "test", className, "0.png"), 200);

        var data = ImageFolderReader.Read(root, CifarSplit.Test);
        var firstPixels = Enumerable.Range(0, data.Count).Select(i => data.Images[i * Cifar10.ImageBytes]).ToArray();
        Assert.That(data.Labels, Is.EqualTo(new[] { 0, 0, 1, 2, 3, 4, 5, 5, 5, 6, 7, 8, 9 }));
        Assert.That(firstPixels, Is.EqualTo(new byte[] { 20, 10, 200, 200, 200, 200, 30, 40, 50, 200, 200, 200, 200 }));
    }

    [Test]
    public void GreyscaleImagesAreForcedToRgb()
    {
        var root = _fixture.Folder("grey");
        foreach (var className in Cifar10.ClassNames)
        {
            var folder = Directory.CreateDirectory(Path.Combine(root, "test", className)).FullName;
            var grey = Enumerable.Range(0, 1024).Select(p => (byte)(p % 251)).ToArray();
            using var stream = File.Create(Path.Combine(folder, "0.png"));
            new StbImageWriteSharp.ImageWriter().WritePng(grey, 32, 32, StbImageWriteSharp.ColorComponents.Grey, stream);
        }
        var data = ImageFolderReader.Read(root, CifarSplit.Test);
        var image = data.Image(0);
        Assert.That(image[..1024].SequenceEqual(image[1024..2048]) && image[..1024].SequenceEqual(image[2048..]), Is.True);
        Assert.That(image[1000], Is.EqualTo(1000 % 251));
    }

    [Test]
    public void HiddenFilesAndFoldersAreSkipped()
    {
        var folder = _fixture.WriteImageFolder(_fixture.Root, "png");
        File.WriteAllBytes(Path.Combine(folder, "train", "dog", "._0000.png"), [0, 5, 7]);
        Directory.CreateDirectory(Path.Combine(folder, "train", ".ipynb_checkpoints"));
        DataAssert.Identical(ImageFolderReader.Read(folder, CifarSplit.Train), _fixture.Train);

        var image = CifarFixture.Encode(_fixture.Test.Image(0), 32, 32, "png");
        var files = Cifar10.ClassNames.SelectMany(c => new[] { ($"x/test/{c}/0.png", image), ($"x/test/{c}/._0.png", new byte[] { 1, 2 }) });
        var archive = CifarFixture.WriteTarGz(Path.Combine(_fixture.Root, "mac.tar.gz"), files);
        Assert.That(ImageArchiveReader.Read(archive, CifarSplit.Test).Count, Is.EqualTo(10));
    }

    [Test]
    public void CorruptJpegIsNamed()
    {
        var folder = _fixture.WriteImageFolder(_fixture.Root, "jpg");
        var file = Path.Combine(folder, "train", "bird", "0001.jpg");
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..20]);
        var error = Assert.Throws<InvalidDataException>(() => ImageFolderReader.Read(folder, CifarSplit.Train));
        Assert.That(error.Message, Does.Contain(file));
    }

    [Test]
    public void CorruptJpegInAnArchiveIsNamed()
    {
        var good = CifarFixture.Encode(_fixture.Test.Image(0), 32, 32, "jpg");
        var files = Cifar10.ClassNames.Select(c => ($"x/test/{c}/0.jpg", c == "frog" ? good[..(good.Length / 3)] : good));
        var archive = CifarFixture.WriteTarGz(Path.Combine(_fixture.Root, "bad.tar.gz"), files);
        var error = Assert.Throws<InvalidDataException>(() => ImageArchiveReader.Read(archive, CifarSplit.Test));
        Assert.That(error.Message, Does.Contain(archive).And.Contain("x/test/frog/0.jpg"));
    }

    [Test]
    public void TruncatedPngIsNamed()
    {
        var folder = _fixture.WriteImageFolder(_fixture.Root, "png");
        var file = Path.Combine(folder, "test", "truck", "0001.png");
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<InvalidDataException>(() => ImageFolderReader.Read(folder, CifarSplit.Test));
        Assert.That(error.Message, Does.Contain(file));
    }

    [Test]
    public void WrongImageSizeIsNamed()
    {
        var folder = _fixture.WriteImageFolder(_fixture.Root, "png");
        var file = Path.Combine(folder, "test", "ship", "0000.png");
        File.WriteAllBytes(file, CifarFixture.Encode(new byte[3 * 16 * 24], 24, 16, "png"));
        var error = Assert.Throws<InvalidDataException>(() => ImageFolderReader.Read(folder, CifarSplit.Test));
        Assert.That(error.Message, Does.Contain(file).And.Contain("24x16").And.Contain("32x32"));
    }

    [Test]
    public void EmptyClassFolderIsNamed()
    {
        var folder = _fixture.WriteImageFolder(_fixture.Root, "png");
        var classFolder = Path.Combine(folder, "train", "cat");
        foreach (var file in Directory.GetFiles(classFolder))
            File.Delete(file);
        var error = Assert.Throws<InvalidDataException>(() => ImageFolderReader.Read(folder, CifarSplit.Train));
        Assert.That(error.Message, Does.Contain(classFolder));
    }

    [Test]
    public void MissingClassFolderIsNamed()
    {
        var folder = _fixture.WriteImageFolder(_fixture.Root, "png");
        var classFolder = Path.Combine(folder, "train", "horse");
        Directory.Delete(classFolder, recursive: true);
        var error = Assert.Throws<DirectoryNotFoundException>(() => ImageFolderReader.Read(folder, CifarSplit.Train));
        Assert.That(error.Message, Does.Contain(classFolder));
    }

    [Test]
    public void UnknownClassFolderIsNamed()
    {
        var folder = _fixture.WriteImageFolder(_fixture.Root, "png");
        Directory.CreateDirectory(Path.Combine(folder, "train", "unicorn"));
        var error = Assert.Throws<InvalidDataException>(() => ImageFolderReader.Read(folder, CifarSplit.Train));
        Assert.That(error.Message, Does.Contain("unicorn"));
    }

    [Test]
    public void EmptyClassFolderInAnArchiveIsNamed()
    {
        var image = CifarFixture.Encode(_fixture.Test.Image(0), 32, 32, "png");
        var files = Cifar10.ClassNames.Where(c => c != "deer").Select(c => ($"x/test/{c}/0.png", image));
        var archive = CifarFixture.WriteTarGz(Path.Combine(_fixture.Root, "nodeer.tar.gz"), files);
        var error = Assert.Throws<InvalidDataException>(() => ImageArchiveReader.Read(archive, CifarSplit.Test));
        Assert.That(error.Message, Does.Contain(archive).And.Contain("test/deer"));
    }

    private static void WriteFlatPng(string path, byte value) =>
        File.WriteAllBytes(path, CifarFixture.Encode(Enumerable.Repeat(value, Cifar10.ImageBytes).ToArray(), 32, 32, "png"));
}
