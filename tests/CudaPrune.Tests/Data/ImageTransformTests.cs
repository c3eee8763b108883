using CudaPrune.Core.Data;

namespace CudaPrune.Tests.Data;

public class ImageTransformTests
{
    [Test]
    public void NormalisationConstantsAreCifar10s()
    {
        Assert.That(Cifar10.Mean, Is.EqualTo(new[] { 0.4914f, 0.4822f, 0.4465f }));
        Assert.That(Cifar10.Std, Is.EqualTo(new[] { 0.2470f, 0.2435f, 0.2616f }));
    }

    [Test]
    public void PlainImageIsNormalisedPerChannel()
    {
        var image = HandMade();
        var output = new float[Cifar10.ImageBytes];
        ImageTransform.Write(image, output);
        float[] mean = [0.4914f, 0.4822f, 0.4465f], std = [0.2470f, 0.2435f, 0.2616f];
        for (int i = 0; i < output.Length; i++)
        {
            int c = i / 1024;
            Assert.That(output[i], Is.EqualTo((image[i] / 255.0 - mean[c]) / std[c]).Within(1e-5), $"element {i}");
        }
    }

    [Test]
    public void FlipMirrorsEveryRow()
    {
        var image = HandMade();
        var plain = new float[Cifar10.ImageBytes];
        var flipped = new float[Cifar10.ImageBytes];
        ImageTransform.Write(image, plain);
        ImageTransform.Write(image, flipped, flip: true);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 32; y++)
                for (int x = 0; x < 32; x++)
                    Assert.That(flipped[c * 1024 + y * 32 + x], Is.EqualTo(plain[c * 1024 + y * 32 + 31 - x]));
    }

    [Test]
    public void EveryCropAndFlipMatchesASliceOfTheZeroPaddedImage()
    {
        var image = HandMade();
        // The reference: a 40x40 copy with a black border of 4, cut at (cropX, cropY), then mirrored.
        var padded = new byte[3, 40, 40];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 32; y++)
                for (int x = 0; x < 32; x++)
                    padded[c, y + 4, x + 4] = image[c * 1024 + y * 32 + x];
        var output = new float[Cifar10.ImageBytes];
        for (int cropY = 0; cropY <= 8; cropY++)
            for (int cropX = 0; cropX <= 8; cropX++)
                foreach (bool flip in new[] { false, true })
                {
                    ImageTransform.Write(image, output, cropX, cropY, flip);
                    for (int c = 0; c < 3; c++)
                        for (int y = 0; y < 32; y++)
                            for (int x = 0; x < 32; x++)
                            {
                                byte expected = padded[c, y + cropY, (flip ? 31 - x : x) + cropX];
                                if (output[c * 1024 + y * 32 + x] != ImageTransform.Normalise(c, expected))
                                    Assert.Fail($"crop ({cropX}, {cropY}) flip {flip}: element ({c}, {y}, {x}) should be byte {expected}");
                            }
                }
    }

    [Test]
    public void CropOutsideThePaddingIsRejected()
    {
        var output = new float[Cifar10.ImageBytes];
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageTransform.Write(HandMade(), output, cropX: 9));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageTransform.Write(HandMade(), output, cropY: -1));
        Assert.Throws<ArgumentException>(() => ImageTransform.Write(HandMade(), new float[10]));
    }

    // Every byte differs from its neighbours and no pixel is 0, so padding, shifts and mirrors all show.
    private static byte[] HandMade()
    {
        var image = new byte[Cifar10.ImageBytes];
        for (int i = 0; i < image.Length; i++)
            image[i] = (byte)(1 + (i * 37 + i / 32 * 11) % 255);
        return image;
    }
}
