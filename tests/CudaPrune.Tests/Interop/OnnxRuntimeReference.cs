using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Interop;
using CudaPrune.Interop.Onnx.Proto;
using CudaPrune.Interop.Reference;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CudaPrune.Tests.Interop;

/// <summary>The two sides of every comparison: ONNX Runtime (CPU execution provider) on an ONNX model, and our CPU engine on a spec + tensors.</summary>
public static class OnnxRuntimeReference
{
    /// <summary>ONNX Runtime's outputs for <paramref name="images"/> [N,3,32,32] fed to the model's single input.</summary>
    public static float[] Run(ModelProto model, float[] images, int count)
    {
        // No graph optimisations: ONNX Runtime runs the nodes as written (and loads a 60 MB model faster).
        using var options = new SessionOptions { IntraOpNumThreads = 2, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(model.ToByteArray(), options);
        string inputName = session.InputMetadata.Keys.Single();
        var input = new DenseTensor<float>(images, [count, 3, 32, 32]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, input)]);
        return results.Single().AsTensor<float>().ToArray();
    }

    /// <summary>Our logits for the same images, on the CPU backend.</summary>
    public static float[] Ours(ModelWeights weights, float[] images)
    {
        using var cpu = new CpuBackend();
        using var model = weights.Build(cpu);
        return ReferenceLogits.Compute(model, images);
    }

    /// <summary>Normalised random images, as the CIFAR-10 pipeline makes them.</summary>
    public static float[] Images(int count, int seed = 3) => ReferenceImages.Random(count, seed);

    /// <summary>max |a - b| over max |b|: the error relative to the size of the logits.</summary>
    public static double RelativeError(float[] actual, float[] expected)
    {
        if (actual.Length != expected.Length) return double.PositiveInfinity;
        double maxDiff = 0, maxRef = 1e-30;
        for (int i = 0; i < actual.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs((double)actual[i] - expected[i]));
            maxRef = Math.Max(maxRef, Math.Abs((double)expected[i]));
        }
        return maxDiff / maxRef;
    }
}
