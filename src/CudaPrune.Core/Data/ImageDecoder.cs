using System.Runtime.ExceptionServices;
using StbImageSharp;

namespace CudaPrune.Core.Data;

/// <summary>Decodes 32x32 JPEG or PNG files (StbImageSharp, forced to RGB) into the planar layout of the binary release.</summary>
internal static class ImageDecoder
{
    /// <summary>Decodes <paramref name="encoded"/> into <paramref name="planar"/> [3, 32, 32]; <paramref name="name"/> appears in errors.</summary>
    public static void DecodePlanar(byte[] encoded, Span<byte> planar, string name)
    {
        // stb_image decodes a truncated JPEG without complaint (the missing data reads as zeros), so look for the
        // end-of-image marker; FF D9 cannot occur inside the entropy-coded data, where FF is followed by 00 or a restart.
        if (encoded is [0xFF, 0xD8, ..] && encoded.AsSpan(2).LastIndexOf([(byte)0xFF, (byte)0xD9]) < 0)
            throw new InvalidDataException($"{name}: the JPEG has no end-of-image marker; the file is truncated");

        ImageResult? image;
        try
        {
            image = ImageResult.FromMemory(encoded, ColorComponents.RedGreenBlue);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{name}: not a readable JPEG or PNG image ({e.Message})", e);
        }
        if (image?.Data is null)
            throw new InvalidDataException($"{name}: not a readable JPEG or PNG image");
        if (image.Width != Cifar10.Width || image.Height != Cifar10.Height)
            throw new InvalidDataException(
                $"{name}: the image is {image.Width}x{image.Height} pixels; CIFAR-10 images are {Cifar10.Width}x{Cifar10.Height}");

        // Interleaved RGBRGB... to three planes.
        var rgb = image.Data;
        for (int p = 0; p < Cifar10.PlaneBytes; p++)
        {
            planar[p] = rgb[3 * p];
            planar[Cifar10.PlaneBytes + p] = rgb[3 * p + 1];
            planar[2 * Cifar10.PlaneBytes + p] = rgb[3 * p + 2];
        }
    }

    /// <summary>
    /// True for the file names the image readers take: .jpg, .jpeg and .png in any case, except hidden files
    /// (such as the ._name.jpg companions macOS puts into archives).
    /// </summary>
    public static bool IsImageFile(string name) =>
        !name.StartsWith('.') && (name.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) ||
        name.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase) ||
        name.EndsWith(".png", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Decodes image i of <paramref name="count"/> (bytes from <paramref name="encodedAt"/>) into slot i of
    /// <paramref name="images"/>, in parallel over the cores. A bad file throws its own exception, not an AggregateException.
    /// </summary>
    public static void DecodeAll(int count, Func<int, byte[]> encodedAt, Func<int, string> nameAt, byte[] images)
    {
        try
        {
            Parallel.For(0, count, i =>
                DecodePlanar(encodedAt(i), images.AsSpan(i * Cifar10.ImageBytes, Cifar10.ImageBytes), nameAt(i)));
        }
        catch (AggregateException e)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }
}
