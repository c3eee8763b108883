using CudaPrune.Core.Data;

namespace CudaPrune.Tests.Data;

public class CifarBinaryReaderTests
{
    private CifarFixture _fixture = null!;

    [SetUp]
    public void SetUp() => _fixture = new CifarFixture();

    [TearDown]
    public void TearDown() => _fixture.Dispose();

    [TestCase(CifarSplit.Train)]
    [TestCase(CifarSplit.Test)]
    public void BatchesFolderGivesTheRecordsInFileOrder(CifarSplit split)
    {
        var folder = _fixture.WriteBatchesFolder(_fixture.Root);
        DataAssert.Identical(CifarBinaryReader.ReadFolder(folder, split), _fixture.Split(split));
    }

    [TestCase(CifarSplit.Train)]
    [TestCase(CifarSplit.Test)]
    public void BinaryArchiveGivesWhatTheFolderGives(CifarSplit split)
    {
        var archive = _fixture.WriteBinaryArchive(_fixture.Root);
        DataAssert.Identical(CifarBinaryReader.ReadArchive(archive, split), _fixture.Split(split));
    }

    [Test]
    public void MissingBatchFileIsNamed()
    {
        var folder = _fixture.WriteBatchesFolder(_fixture.Root);
        File.Delete(Path.Combine(folder, "data_batch_3.bin"));
        var error = Assert.Throws<FileNotFoundException>(() => CifarBinaryReader.ReadFolder(folder, CifarSplit.Train));
        Assert.That(error.Message, Does.Contain("data_batch_3.bin").And.Contain(folder));
        Assert.That(CifarBinaryReader.ReadFolder(folder, CifarSplit.Test).Count, Is.EqualTo(_fixture.Test.Count), "the test split does not need it");
    }

    [Test]
    public void ArchiveWithoutTheTestBatchIsNamed()
    {
        var archive = CifarFixture.WriteTarGz(Path.Combine(_fixture.Root, "partial.tar.gz"),
            [($"{Cifar10.BatchesFolderName}/data_batch_1.bin", new byte[Cifar10.RecordBytes])]);
        var error = Assert.Throws<FileNotFoundException>(() => CifarBinaryReader.ReadArchive(archive, CifarSplit.Test));
        Assert.That(error.Message, Does.Contain("test_batch.bin").And.Contain(archive));
    }

    [Test]
    public void TruncatedBatchFileIsNamed()
    {
        var folder = _fixture.WriteBatchesFolder(_fixture.Root);
        var file = Path.Combine(folder, "test_batch.bin");
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..^100]);
        var error = Assert.Throws<InvalidDataException>(() => CifarBinaryReader.ReadFolder(folder, CifarSplit.Test));
        Assert.That(error.Message, Does.Contain(file).And.Contain("3,073").And.Contain("truncated"));
    }

    [Test]
    public void EmptyBatchFileIsRejected()
    {
        var folder = _fixture.WriteBatchesFolder(_fixture.Root);
        var file = Path.Combine(folder, "test_batch.bin");
        File.WriteAllBytes(file, []);
        var error = Assert.Throws<InvalidDataException>(() => CifarBinaryReader.ReadFolder(folder, CifarSplit.Test));
        Assert.That(error.Message, Does.Contain(file));
    }

    [Test]
    public void LabelOutOfRangeIsNamed()
    {
        var folder = _fixture.WriteBatchesFolder(_fixture.Root);
        var file = Path.Combine(folder, "data_batch_2.bin");
        var bytes = File.ReadAllBytes(file);
        bytes[1 * Cifar10.RecordBytes] = 10;
        File.WriteAllBytes(file, bytes);
        var error = Assert.Throws<InvalidDataException>(() => CifarBinaryReader.ReadFolder(folder, CifarSplit.Train));
        Assert.That(error.Message, Does.Contain(file).And.Contain("record 1").And.Contain("label 10"));
    }

    [Test]
    public void TruncatedArchiveIsNamed()
    {
        var archive = _fixture.WriteBinaryArchive(_fixture.Root);
        var bytes = File.ReadAllBytes(archive);
        File.WriteAllBytes(archive, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<InvalidDataException>(() => CifarBinaryReader.ReadArchive(archive, CifarSplit.Test));
        Assert.That(error.Message, Does.Contain(archive));
    }
}
