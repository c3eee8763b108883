using CudaPrune.Core.Backends;
using CudaPrune.Core.Nn;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Models;

/// <summary>A network built from a <see cref="ModelSpec"/>: its root module, its backend, and a forward pass to logits.</summary>
public sealed class Model : IDisposable
{
    internal Model(ModelSpec spec, Sequential root, IBackend backend)
    {
        Spec = spec;
        Root = root;
        Backend = backend;
    }

    /// <summary>The spec whose shapes the modules have.</summary>
    public ModelSpec Spec { get; }

    /// <summary>The root container; its descendants' paths are the spec's layer names.</summary>
    public Sequential Root { get; }

    public IBackend Backend { get; }

    /// <summary>x [N,C,H,W] with the spec's input shape → logits [N,NumClasses].</summary>
    /// <remarks>
    /// Call it inside a <see cref="DisposeScope"/> (the activations are temporaries). In eval mode, call it
    /// under <see cref="Autograd.GradMode.NoGrad"/>: batch norm with running statistics is not differentiable here.
    /// </remarks>
    public Tensor Forward(Tensor x)
    {
        var input = Spec.InputShape;
        if (x.Rank != 4 || x.Dim(1) != input.Channels || x.Dim(2) != input.Height || x.Dim(3) != input.Width)
            throw new ArgumentException($"model '{Spec.Name}' expects input [N,{input.Channels},{input.Height},{input.Width}], got {x.Describe()}");
        return Root.Call(x);
    }

    public bool IsTraining => Root.IsTraining;
    public void Train() => Root.Train();
    public void Eval() => Root.Eval();
    public void ZeroGrad() => Root.ZeroGrad();

    public IEnumerable<Tensor> Parameters() => Root.Parameters();
    public IEnumerable<KeyValuePair<string, Tensor>> NamedParameters() => Root.NamedParameters();
    public IEnumerable<KeyValuePair<string, Tensor>> NamedBuffers() => Root.NamedBuffers();

    /// <summary>The live parameters and buffers by state-dict name (see <see cref="Nn.Module.StateDict"/>).</summary>
    public OrderedDictionary<string, Tensor> StateDict() => Root.StateDict();

    /// <summary>The module at a dotted path ("layer1.0.conv1"); throws when there is none.</summary>
    public Module Module(string path) =>
        Root.Find(path) ?? throw new ArgumentException($"model '{Spec.Name}' has no module '{path}'");

    /// <summary>
    /// Copies values into this model's tensors by name (shapes must match). Strict: every tensor of the
    /// model must be given, and nothing else. Not strict: names the model lacks are skipped, and the names
    /// of the model's tensors that were not given are returned (for example, a re-initialised classifier).
    /// </summary>
    public IReadOnlyList<string> LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var own = StateDict();
        var problems = StateDictCheck.Problems(Spec, state.Select(kv => new KeyValuePair<string, int[]>(kv.Key, kv.Value.Shape)));
        if (!strict) problems.RemoveAll(p => p.Kind != StateDictProblemKind.WrongShape);
        if (problems.Count > 0)
            throw new ArgumentException($"state dict does not fit model '{Spec.Name}':\n  {StateDictCheck.Format(problems)}");
        var notGiven = new List<string>();
        foreach (var (name, dst) in own)
        {
            if (!state.TryGetValue(name, out var src)) { notGiven.Add(name); continue; }
            if (ReferenceEquals(src.Backend, dst.Backend)) dst.Backend.Copy(src, dst);
            else
            {
                using var staged = dst.Backend.FromArray(src.ToArray(), dst.Shape);
                dst.Backend.Copy(staged, dst);
            }
        }
        return notGiven;
    }

    public void Dispose() => Root.Dispose();

    public override string ToString() => $"Model({Spec.Name}, {Backend.Name})";
}
