namespace CudaPrune.Core.Data;

/// <summary>
/// Turns one uint8 CIFAR image [3, 32, 32] into normalised floats, (x / 255 - mean) / std per channel, optionally
/// as the random-crop-and-flip augmentation: a 32x32 crop of the image zero-padded by 4 pixels on each side
/// (the padding is black before normalisation, as in torchvision), mirrored left to right after cropping.
/// </summary>
public static class ImageTransform
{
    public const int Padding = 4;

    /// <summary>The crop's corner takes one of 9 positions per axis (0..8) in the 40x40 padded image; 4 is no shift.</summary>
    public const int CropPositions = 2 * Padding + 1;

    // normalised[channel * 256 + byte]: a table lookup per pixel instead of a subtract and a multiply.
    private static readonly float[] Normalised = BuildTable();

    /// <summary>The normalised value of a pixel byte of a channel.</summary>
    public static float Normalise(int channel, byte value) => Normalised[channel * 256 + value];

    /// <summary>
    /// destination[c, y, x] = normalised source[c, y + cropY - 4, x' + cropX - 4] with x' = flip ? 31 - x : x, and
    /// the normalised value of 0 where that falls outside the image. cropX = cropY = 4 and no flip is the plain image.
    /// </summary>
    public static void Write(ReadOnlySpan<byte> source, Span<float> destination, int cropX = Padding, int cropY = Padding, bool flip = false)
    {
        if (source.Length != Cifar10.ImageBytes || destination.Length != Cifar10.ImageBytes)
            throw new ArgumentException($"source and destination must hold {Cifar10.ImageBytes} values; got {source.Length} and {destination.Length}");
        ArgumentOutOfRangeException.ThrowIfNegative(cropX);
        ArgumentOutOfRangeException.ThrowIfNegative(cropY);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cropX, CropPositions);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cropY, CropPositions);

        const int size = Cifar10.Width;
        int dx = cropX - Padding, dy = cropY - Padding;
        // Columns whose source column (x + dx, or 31 - x + dx when flipped) lies inside the image.
        int x0 = flip ? Math.Max(0, dx) : Math.Max(0, -dx);
        int x1 = flip ? Math.Min(size, size + dx) : Math.Min(size, size - dx);
        for (int c = 0; c < Cifar10.Channels; c++)
        {
            var table = Normalised.AsSpan(c * 256, 256);
            float black = table[0];
            var plane = source.Slice(c * Cifar10.PlaneBytes, Cifar10.PlaneBytes);
            var outPlane = destination.Slice(c * Cifar10.PlaneBytes, Cifar10.PlaneBytes);
            for (int y = 0; y < size; y++)
            {
                var row = outPlane.Slice(y * size, size);
                int sy = y + dy;
                if ((uint)sy >= size)
                {
                    row.Fill(black);
                    continue;
                }
                var sourceRow = plane.Slice(sy * size, size);
                row[..x0].Fill(black);
                row[x1..].Fill(black);
                if (flip)
                    for (int x = x0; x < x1; x++)
                        row[x] = table[sourceRow[size - 1 - x + dx]];
                else
                    for (int x = x0; x < x1; x++)
                        row[x] = table[sourceRow[x + dx]];
            }
        }
    }

    private static float[] BuildTable()
    {
        var table = new float[Cifar10.Channels * 256];
        for (int c = 0; c < Cifar10.Channels; c++)
            for (int v = 0; v < 256; v++)
                table[c * 256 + v] = (v / 255f - Cifar10.Mean[c]) / Cifar10.Std[c];
        return table;
    }
}
