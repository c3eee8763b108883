using CudaPrune.Core.Backends;
using CudaPrune.Core.Data;
using CudaPrune.Core.Models;
using CudaPrune.Core.Nn;
using CudaPrune.Core;
using CudaPrune.Core.Tensors;
using CudaPrune.Pruning.Criteria;
using CudaPrune.Pruning.Specs;

namespace CudaPrune.Tests.Pruning;

/// <summary>Models and data for the pruning tests: zoo models with non-trivial batch norms, and tiny random calibration batches.</summary>
internal static class PruningFixtures
{
    /// <summary>
    /// A zoo model with seeded random values everywhere: He-uniform weights, random biases, and batch
    /// norms with random γ, β and running statistics. (A freshly built model has γ = 1, β = 0, mean 0,
    /// var 1 everywhere, which would make the bn criterion a tie and the equivalence checks blind to a
    /// swapped batch-norm channel; and it draws its weights from a normal, slow for vgg16's 15M.)
    /// In eval mode.
    /// </summary>
    public static Model Model(IBackend backend, string name, long seed = 7)
    {
        var spec = ModelZoo.Create(name);
        var rng = SeededRandom.ForName(seed, "fixture");
        var state = new Dictionary<string, Tensor>();
        var norms = SpecLeaves.Of(spec).OfType<BatchNormSpec>().Select(b => b.Name).ToHashSet();
        using (DisposeScope.Suspend())
        {
            foreach (var t in spec.StateTensors())
            {
                string layer = t.Name[..t.Name.LastIndexOf('.')];
                string kind = t.Name[(t.Name.LastIndexOf('.') + 1)..];
                double bound = t.Shape.Length > 1 ? Math.Sqrt(6.0 / (Shapes.Count(t.Shape) / t.Shape[0])) : 0;
                Func<double> draw = (kind, norms.Contains(layer)) switch
                {
                    ("running_var", _) => () => rng.NextUniform(0.5, 2.0),
                    ("running_mean", _) => () => 0.2 * rng.NextNormal(),
                    ("weight", true) => () => rng.NextUniform(0.3, 1.5),
                    ("bias", _) => () => 0.1 * rng.NextNormal(),
                    _ => () => rng.NextUniform(-bound, bound),
                };
                var values = new float[Shapes.Count(t.Shape)];
                for (int i = 0; i < values.Length; i++) values[i] = (float)draw();
                state[t.Name] = backend.FromArray(values, t.Shape);
            }
        }
        var model = ModelBuilder.FromState(spec, backend, state);
        model.Eval();
        return model;
    }

    /// <summary>Seeded random "images" (standard normal) and labels, as CIFAR-shaped batches.</summary>
    public static CalibrationSet Calibration(int batches = 1, int size = 2, long seed = 3)
    {
        var rng = SeededRandom.ForName(seed, "calibration");
        var list = new List<Batch>();
        for (int b = 0; b < batches; b++)
        {
            var batch = new Batch(size);
            for (int i = 0; i < batch.Images.Length; i++) batch.Images[i] = (float)rng.NextNormal();
            for (int i = 0; i < size; i++) batch.Labels[i] = (int)(rng.NextUInt64() % 10);
            list.Add(batch);
        }
        return new CalibrationSet(list);
    }

    /// <summary>Eval-mode logits of <paramref name="images"/> (batch of <paramref name="count"/>).</summary>
    public static float[] Logits(Model model, float[] images, int count)
    {
        model.Eval();
        using var _ = CudaPrune.Core.Autograd.GradMode.NoGrad();
        using var scope = DisposeScope.Begin();
        return model.Forward(model.Backend.FromArray(images, model.Spec.InputShape.WithBatch(count))).ToArray();
    }

    /// <summary>max |a - b| / max |a|.</summary>
    public static double RelativeDifference(float[] a, float[] b)
    {
        double diff = 0, scale = 0;
        for (int i = 0; i < a.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs((double)a[i] - b[i]));
            scale = Math.Max(scale, Math.Abs((double)a[i]));
        }
        return diff / scale;
    }
}
