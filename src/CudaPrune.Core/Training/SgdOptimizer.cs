using CudaPrune.Core.Backends;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Training;

/// <summary>
/// SGD with momentum, Nesterov and weight decay (PyTorch's rule, one fused backend call per parameter).
/// Momentum buffers are keyed by parameter name so pruning can compact them with the parameters.
/// </summary>
public sealed class SgdOptimizer : IDisposable
{
    private readonly List<(string Name, Tensor Param)> _params;
    private readonly Dictionary<string, Tensor> _momentum = [];

    public SgdOptimizer(IEnumerable<(string Name, Tensor Param)> parameters, float learningRate, float momentum = 0.9f,
        float weightDecay = 5e-4f, bool nesterov = false)
    {
        if (learningRate <= 0 || !float.IsFinite(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "the learning rate must be a positive number");
        if (momentum is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1)");
        if (weightDecay < 0) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be ≥ 0");
        if (nesterov && momentum == 0) throw new ArgumentException("Nesterov momentum needs a momentum > 0");
        _params = parameters.ToList();
        LearningRate = learningRate;
        Momentum = momentum;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
    }

    public float LearningRate { get; set; }
    public float Momentum { get; }
    public float WeightDecay { get; }
    public bool Nesterov { get; }

    /// <summary>The parameters being optimised, by state-dict name.</summary>
    public IReadOnlyList<(string Name, Tensor Param)> Parameters => _params;

    /// <summary>Momentum buffers by parameter name (absent until the first step of that parameter).</summary>
    public IReadOnlyDictionary<string, Tensor> MomentumBuffers => _momentum;

    /// <summary>Updates every parameter that has a gradient.</summary>
    public void Step()
    {
        var p = new SgdParameters(LearningRate, Momentum, WeightDecay, Nesterov);
        foreach (var (name, param) in _params)
        {
            if (param.Grad is null) continue;
            Tensor? buf = null;
            if (Momentum > 0 && !_momentum.TryGetValue(name, out buf))
            {
                using (DisposeScope.Suspend()) buf = param.Backend.Zeros(param.Shape);
                _momentum[name] = buf;
            }
            param.Backend.SgdStep(param, param.Grad, buf, p);
        }
    }

    /// <summary>Sets every gradient to zero (keeps the buffers).</summary>
    public void ZeroGrad()
    {
        foreach (var (_, param) in _params)
            if (param.Grad is not null) param.Backend.Fill(param.Grad, 0f);
    }

    /// <summary>
    /// Swaps in new parameters (after pruning rebuilt the model) and their compacted momentum buffers.
    /// Buffers of the old parameters that are not carried over are disposed.
    /// </summary>
    public void Rebind(IEnumerable<(string Name, Tensor Param)> parameters, IReadOnlyDictionary<string, Tensor> momentum)
    {
        foreach (var (name, buf) in _momentum)
            if (!momentum.TryGetValue(name, out var kept) || !ReferenceEquals(kept, buf)) buf.Dispose();
        _momentum.Clear();
        foreach (var (k, v) in momentum) _momentum[k] = v;
        _params.Clear();
        _params.AddRange(parameters);
    }

    public void Dispose()
    {
        foreach (var b in _momentum.Values) b.Dispose();
        _momentum.Clear();
    }
}
