using CudaPrune.Core.Backends;
using CudaPrune.Core.Nn;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Models;

/// <summary>Turns a <see cref="ModelSpec"/> into modules on a backend, with fresh weights or with given tensors.</summary>
public static class ModelBuilder
{
    /// <summary>
    /// A new model with initial weights drawn from <paramref name="seed"/>: Kaiming-normal (fan_out, ReLU)
    /// convs with zero biases, batch norms at gamma 1 / beta 0, linears as PyTorch's default. Each tensor
    /// has its own random stream keyed by its name, so the result does not depend on the backend, and a
    /// rewritten spec keeps the same initial values for the tensors whose names it keeps.
    /// </summary>
    public static Model Build(ModelSpec spec, IBackend backend, long seed)
    {
        spec.Validate();
        return Assemble(spec, backend, (name, shape, init) =>
            LongLived.FromArray(backend, init(SeededRandom.ForName(seed, name)), shape));
    }

    /// <summary>
    /// A model made of the given tensors (a checkpoint, a pruned model's compacted buffers), one per name
    /// of <see cref="ModelSpec.StateTensors"/>, which must be long-lived (created in <see cref="DisposeScope.Suspend"/>)
    /// and on <paramref name="backend"/>. The model takes ownership of them; on error it throws before taking any.
    /// </summary>
    public static Model FromState(ModelSpec spec, IBackend backend, IReadOnlyDictionary<string, Tensor> state)
    {
        spec.Validate();
        var problems = StateDictCheck.Problems(spec, state.Select(kv => new KeyValuePair<string, int[]>(kv.Key, kv.Value.Shape)));
        if (problems.Count > 0)
            throw new ArgumentException($"tensors do not fit model '{spec.Name}':\n  {StateDictCheck.Format(problems)}");
        foreach (var (name, t) in state)
        {
            if (!ReferenceEquals(t.Backend, backend)) throw new ArgumentException($"tensor '{name}' is on {t.Backend.Name}, not on {backend.Name}");
            if (t.DType != DType.Float32) throw new ArgumentException($"tensor '{name}' is {t.DType}, not Float32");
        }
        return Assemble(spec, backend, (name, _, _) => state[name]);
    }

    /// <summary>Gives the tensor for a state-dict name: (name, shape, initialiser) → tensor.</summary>
    private delegate Tensor TensorSource(string name, int[] shape, Func<SeededRandom, float[]> init);

    private static Model Assemble(ModelSpec spec, IBackend backend, TensorSource source)
    {
        var leaves = new List<(string[] Path, Module Module)>();
        try
        {
            foreach (var layer in spec.Layers) leaves.Add((layer.Name.Split('.'), Create(layer, source)));
            return new Model(spec, Group(leaves, 0), backend);
        }
        catch
        {
            foreach (var (_, m) in leaves) m.Dispose();
            throw;
        }
    }

    /// <summary>Nests consecutive layers sharing a dotted prefix into Sequential containers (the spec guarantees they are consecutive).</summary>
    private static Sequential Group(List<(string[] Path, Module Module)> items, int depth)
    {
        var children = new List<KeyValuePair<string, Module>>();
        int i = 0;
        while (i < items.Count)
        {
            string head = items[i].Path[depth];
            if (items[i].Path.Length == depth + 1)
            {
                children.Add(new(head, items[i].Module));
                i++;
                continue;
            }
            int j = i;
            while (j < items.Count && items[j].Path.Length > depth + 1 && items[j].Path[depth] == head) j++;
            children.Add(new(head, Group(items[i..j], depth + 1)));
            i = j;
        }
        return new Sequential(children);
    }

    private static Module Create(LayerSpec layer, TensorSource source) => layer switch
    {
        ConvSpec c => CreateConv(c, source),
        BatchNormSpec b => CreateBatchNorm(b, source),
        LinearSpec l => new Linear(
            source($"{l.Name}.weight", [l.OutFeatures, l.InFeatures], rng => WeightInit.UniformFanIn(l.OutFeatures * l.InFeatures, l.InFeatures, rng)),
            l.Bias ? source($"{l.Name}.bias", [l.OutFeatures], rng => WeightInit.UniformFanIn(l.OutFeatures, l.InFeatures, rng)) : null),
        ReluSpec => new Relu(),
        MaxPoolSpec p => new MaxPool2d(p.Kernel, p.Stride, p.Padding),
        AvgPoolSpec p => new AvgPool2d(p.Kernel, p.Stride, p.Padding),
        GlobalAvgPoolSpec => new GlobalAvgPool(),
        FlattenSpec => new Flatten(),
        BasicBlockSpec b => new BasicBlock(CreateConv(b.Conv1, source), CreateBatchNorm(b.Bn1, source),
            CreateConv(b.Conv2, source), CreateBatchNorm(b.Bn2, source),
            b.ShortcutConv is { } sc ? new Sequential(CreateConv(sc, source), CreateBatchNorm(b.ShortcutBn!, source)) : null),
        _ => throw new ModelSpecException($"layer '{layer.Name}': the builder does not know layers of type {layer.GetType().Name}", layer.Name),
    };

    private static Conv2d CreateConv(ConvSpec c, TensorSource source)
    {
        int[] shape = [c.OutChannels, c.InChannels, c.Kernel, c.Kernel];
        return new Conv2d(
            source($"{c.Name}.weight", shape, rng => WeightInit.KaimingNormalFanOut(shape, rng)),
            c.Bias ? source($"{c.Name}.bias", [c.OutChannels], _ => new float[c.OutChannels]) : null,
            c.Stride, c.Padding);
    }

    private static BatchNorm2d CreateBatchNorm(BatchNormSpec b, TensorSource source) => new(
        source($"{b.Name}.weight", [b.Channels], _ => WeightInit.Constant(b.Channels, 1f)),
        source($"{b.Name}.bias", [b.Channels], _ => WeightInit.Constant(b.Channels, 0f)),
        source($"{b.Name}.running_mean", [b.Channels], _ => WeightInit.Constant(b.Channels, 0f)),
        source($"{b.Name}.running_var", [b.Channels], _ => WeightInit.Constant(b.Channels, 1f)));
}
