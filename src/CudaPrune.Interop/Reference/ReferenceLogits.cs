using CudaPrune.Core.Autograd;
using CudaPrune.Core.Checkpoints;
using CudaPrune.Core.Models;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Interop.Reference;

/// <summary>
/// Our logits on a batch of images, saved for another engine to check against (bench/pytorch_reference.py
/// models): a safetensors file with "images" [N,C,H,W] (normalised, exactly what our model saw) and
/// "logits" [N,classes], plus metadata naming the model, the device and where the images came from.
/// </summary>
public static class ReferenceLogits
{
    public const string ImagesName = "images";
    public const string LogitsName = "logits";

    /// <summary>Runs <paramref name="model"/> in eval mode without gradients over <paramref name="images"/> ([N,C,H,W] flattened), <paramref name="batch"/> at a time.</summary>
    public static float[] Compute(Model model, float[] images, int batch = 256)
    {
        var input = model.Spec.InputShape;
        int perImage = checked((int)input.Count);
        if (images.Length == 0 || images.Length % perImage != 0)
            throw new ArgumentException($"images hold {images.Length} values: not a whole number of {input} images");
        int count = images.Length / perImage, classes = model.Spec.NumClasses;
        var logits = new float[count * classes];
        bool wasTraining = model.IsTraining;
        model.Eval();
        try
        {
            using var _ = GradMode.NoGrad();
            for (int start = 0; start < count; start += batch)
            {
                int n = Math.Min(batch, count - start);
                using var scope = DisposeScope.Begin();
                var x = model.Backend.FromArray(images[(start * perImage)..((start + n) * perImage)], input.WithBatch(n));
                model.Forward(x).ToArray().CopyTo(logits, start * classes);
            }
        }
        finally
        {
            if (wasTraining) model.Train();
        }
        return logits;
    }

    /// <summary>Writes images and logits atomically to <paramref name="path"/>.</summary>
    public static void Save(string path, ModelSpec spec, float[] images, float[] logits, IReadOnlyDictionary<string, string> metadata)
    {
        int count = logits.Length / spec.NumClasses;
        SafeTensorsWriter.Write(path,
        [
            new SafeTensorsEntry(ImagesName, spec.InputShape.WithBatch(count), () => images),
            new SafeTensorsEntry(LogitsName, [count, spec.NumClasses], () => logits),
        ], metadata);
    }
}
