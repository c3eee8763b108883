using CudaPrune.Core.Data;

namespace CudaPrune.Tests.Data;

public class CifarLocatorTests
{
    private CifarFixture _fixture = null!;
    private string _work = null!;
    private string _data = null!;
    private string _shared = null!;
    private Dictionary<string, string> _environment = null!;

    [SetUp]
    public void SetUp()
    {
        _fixture = new CifarFixture(trainPerClass: 1, testPerClass: 1);
        // <root>/main is the current folder; <root>/main/data and <root>/shared/data are the default places.
        _work = _fixture.Folder("main");
        _data = Path.Combine(_work, "data");
        _shared = Path.Combine(_fixture.Root, "shared", "data");
        _environment = [];
    }

    [TearDown]
    public void TearDown() => _fixture.Dispose();

    private CifarLocator Locator() => new(_work, name => _environment.GetValueOrDefault(name));

    [Test]
    public void NothingAnywhereIsNull()
    {
        Directory.CreateDirectory(_data);
        Assert.That(Locator().Locate(), Is.Null);
    }

    [Test]
    public void SharedDataIsFoundWhenDataIsEmpty()
    {
        Directory.CreateDirectory(_data);
        var archive = _fixture.WriteImageArchive(Directory.CreateDirectory(_shared).FullName, "png");
        var found = Locator().Locate();
        Assert.That(found, Is.EqualTo(new CifarSource(archive, CifarFormat.ImageArchive, _shared, "../shared/data/")));
        Assert.That(found!.Describe(), Does.Contain(archive).And.Contain("../shared/data/"));
    }

    [Test]
    public void SearchOrderIsExplicitThenEnvironmentThenDataThenShared()
    {
        _fixture.WriteImageArchive(Directory.CreateDirectory(_shared).FullName, "png");
        var inData = _fixture.WriteBinaryArchive(Directory.CreateDirectory(_data).FullName);
        var environmentFolder = _fixture.Folder("env");
        var inEnvironment = _fixture.WriteBatchesFolder(environmentFolder);
        var explicitFolder = _fixture.Folder("explicit");
        var inExplicit = _fixture.WriteImageFolder(explicitFolder, "png");

        Assert.That(Locator().Locate()!.Path, Is.EqualTo(inData));
        _environment[CifarLocator.EnvironmentVariable] = environmentFolder;
        Assert.That(Locator().Locate(), Is.EqualTo(new CifarSource(inEnvironment, CifarFormat.BatchesFolder, environmentFolder, "CIFAR10_DIR")));
        Assert.That(Locator().Locate(explicitFolder), Is.EqualTo(new CifarSource(inExplicit, CifarFormat.ImageFolder, explicitFolder, "--data")));
    }

    [Test]
    public void WithinAFolderTheBinaryReleaseIsPreferred()
    {
        Directory.CreateDirectory(_data);
        var imageArchive = _fixture.WriteImageArchive(_data, "png");
        Assert.That(Locator().Locate()!.Path, Is.EqualTo(imageArchive));
        var imageFolder = _fixture.WriteImageFolder(_data, "png");
        Assert.That(Locator().Locate()!.Path, Is.EqualTo(imageFolder));
        var binaryArchive = _fixture.WriteBinaryArchive(_data);
        Assert.That(Locator().Locate()!.Path, Is.EqualTo(binaryArchive));
        var batches = _fixture.WriteBatchesFolder(_data);
        Assert.That(Locator().Locate(), Is.EqualTo(new CifarSource(batches, CifarFormat.BatchesFolder, _data, "data/")));
    }

    [Test]
    public void ExplicitPathMayBeTheDataItself()
    {
        var folder = _fixture.Folder("elsewhere");
        var batches = _fixture.WriteBatchesFolder(folder);
        Assert.That(Locator().Locate(batches), Is.EqualTo(new CifarSource(batches, CifarFormat.BatchesFolder, folder, "--data")));
        var images = _fixture.WriteImageFolder(folder, "png");
        Assert.That(Locator().Locate(images)!.Format, Is.EqualTo(CifarFormat.ImageFolder));
    }

    [Test]
    public void ArchivesOfAnyNameAreRecognisedByTheirContent()
    {
        var folder = _fixture.Folder("renamed");
        var binary = _fixture.WriteBinaryArchive(folder, "mine.tar.gz");
        var images = _fixture.WriteImageArchive(folder, "png", "pictures.tgz");
        var other = CifarFixture.WriteTarGz(Path.Combine(folder, "other.tar.gz"), [("notes/readme.txt", "hello"u8.ToArray())]);
        Assert.That(Locator().Locate(binary)!.Format, Is.EqualTo(CifarFormat.BinaryArchive));
        Assert.That(Locator().Locate(images)!.Format, Is.EqualTo(CifarFormat.ImageArchive));
        var error = Assert.Throws<CifarNotFoundException>(() => Locator().Locate(other));
        Assert.That(error.Message, Does.Contain(other).And.Contain("holds no CIFAR-10"));
    }

    [Test]
    public void RelativePathsAreTakenFromTheCurrentFolder()
    {
        var folder = Path.Combine(_work, "mine");
        var archive = _fixture.WriteBinaryArchive(Directory.CreateDirectory(folder).FullName);
        Assert.That(Locator().Locate("mine")!.Path, Is.EqualTo(archive));
        _environment[CifarLocator.EnvironmentVariable] = "mine";
        Assert.That(Locator().Locate()!.Path, Is.EqualTo(archive));
    }

    [Test]
    public void AFolderWithAnUnrelatedTestFolderIsNoImageFolder()
    {
        var project = _fixture.Folder("project");
        Directory.CreateDirectory(Path.Combine(project, "test", "unit"));
        Assert.Throws<CifarNotFoundException>(() => Locator().Locate(project));
        var archive = _fixture.WriteImageArchive(project, "png");
        Assert.That(Locator().Locate(project)!.Path, Is.EqualTo(archive));
    }

    [Test]
    public void ExplicitPathThatDoesNotExistSaysWhatWasExpected()
    {
        var missing = Path.Combine(_fixture.Root, "nowhere");
        var error = Assert.Throws<CifarNotFoundException>(() => Locator().Locate(missing));
        Assert.That(error.Message, Does.Contain("--data").And.Contain(missing).And.Contain("does not exist"));
        Assert.That(error.Message, Does.Contain("cifar-10-batches-bin/").And.Contain("cifar-10-binary.tar.gz")
            .And.Contain("cifar10-jpeg/").And.Contain("cifar10-jpeg.tar.gz"));
    }

    [Test]
    public void EnvironmentVariableThatHoldsNothingIsAnError()
    {
        _fixture.WriteBinaryArchive(Directory.CreateDirectory(_data).FullName);
        var empty = _fixture.Folder("empty");
        _environment[CifarLocator.EnvironmentVariable] = empty;
        var error = Assert.Throws<CifarNotFoundException>(() => Locator().Locate());
        Assert.That(error.Message, Does.Contain("CIFAR10_DIR").And.Contain(empty).And.Contain("holds no CIFAR-10"));
    }
}
