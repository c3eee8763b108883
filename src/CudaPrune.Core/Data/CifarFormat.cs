namespace CudaPrune.Core.Data;

/// <summary>The four shapes CIFAR-10 is found in.</summary>
public enum CifarFormat
{
    /// <summary>The official binary release unpacked: cifar-10-batches-bin/ with data_batch_1..5.bin and test_batch.bin.</summary>
    BatchesFolder,

    /// <summary>The official cifar-10-binary.tar.gz, read without unpacking.</summary>
    BinaryArchive,

    /// <summary>Image files: &lt;root&gt;/&lt;split&gt;/&lt;class&gt;/*.jpg|*.png (such as cifar10-jpeg/).</summary>
    ImageFolder,

    /// <summary>An image folder inside a .tar.gz (such as cifar10-jpeg.tar.gz), read without unpacking.</summary>
    ImageArchive,
}
