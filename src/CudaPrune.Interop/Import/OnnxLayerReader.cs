using CudaPrune.Core.Models;
using CudaPrune.Core.Nn;
using CudaPrune.Interop.Onnx.Proto;
using static CudaPrune.Interop.OnnxAttributes;

namespace CudaPrune.Interop.Import;

/// <summary>
/// Reads single nodes into our layer specs and tensors, checking every attribute our layers cannot
/// express (groups, dilations, asymmetric or non-square windows, ceil mode ...) and saying which node has it.
/// </summary>
internal sealed class OnnxLayerReader(OnnxGraphIndex index, List<string> notes)
{
    /// <summary>
    /// The running variance of a batch norm that stands in for none: var + eps rounds to 1 in float, so
    /// it scales by 1 (to within 1.5e-8, below half a float ulp) and shifts by its beta.
    /// </summary>
    public static readonly float NeutralVariance = NearestBelowOne(BatchNorm2d.DefaultEps);

    public ConvPart Conv(NodeProto node)
    {
        var w = index.Constant(node.Input[1], node, "weight");
        int[] shape = OnnxTensors.Shape(w);
        if (shape.Length != 4) throw Error(node, $"weight {Format(shape)} is not 4-D: only 2-D convolutions are supported");
        int oc = shape[0], ic = shape[1], k = shape[2];
        if (shape[3] != k) throw Error(node, $"kernel {shape[2]}x{shape[3]} is not square");
        if (GetInt(node, "group", 1) != 1) throw Error(node, $"group = {GetInt(node, "group", 1)}: grouped and depthwise convolutions are not supported");
        RequireOnes(node, "dilations");
        if (GetInts(node, "kernel_shape") is { } ks && !ks.SequenceEqual([k, k]))
            throw Error(node, $"kernel_shape {Format(ks)} does not match its weight {Format(shape)}");
        int stride = Stride(node);
        int padding = Padding(node);
        var bias = index.OptionalConstant(node, 2, "bias");
        float[]? b = bias is null ? null : OnnxTensors.ReadFloats(bias);
        if (b is not null && b.Length != oc) throw Error(node, $"bias has {b.Length} values for {oc} output channels");
        var spec = new ConvSpec(index.Label(node), ic, oc, k, stride, padding, b is not null);
        return new ConvPart(spec, OnnxTensors.ReadFloats(w), b, w.Name);
    }

    public BatchNormPart BatchNorm(NodeProto node)
    {
        if (GetInt(node, "training_mode", 0) != 0) throw Error(node, "training_mode = 1: only inference batch norms are supported");
        if (node.Output.Skip(1).Any(o => o.Length > 0)) throw Error(node, "it outputs running statistics (a training graph): export the model in eval mode");
        var scale = index.Constant(node.Input[1], node, "scale");
        float[] gamma = OnnxTensors.ReadFloats(scale);
        float[] beta = OnnxTensors.ReadFloats(index.Constant(node.Input[2], node, "bias"));
        float[] mean = OnnxTensors.ReadFloats(index.Constant(node.Input[3], node, "mean"));
        float[] variance = OnnxTensors.ReadFloats(index.Constant(node.Input[4], node, "variance"));
        int c = gamma.Length;
        if (beta.Length != c || mean.Length != c || variance.Length != c)
            throw Error(node, $"scale, bias, mean and variance have {gamma.Length}, {beta.Length}, {mean.Length} and {variance.Length} values: expected one per channel");
        float eps = GetFloat(node, "epsilon", 1e-5f);
        if (eps != BatchNorm2d.DefaultEps)
        {
            // Ours uses eps = 1e-5 everywhere: var + eps is kept by moving the difference into the variance.
            variance = variance.Select(v => (float)(v + (double)eps - BatchNorm2d.DefaultEps)).ToArray();
            if (variance.Any(v => v < 0)) throw Error(node, $"epsilon {eps} is below our 1e-5 and a variance is smaller than the difference");
            notes.Add($"batch norm '{index.Label(node)}': epsilon {eps} became our 1e-5, with the difference added to the running variance");
        }
        return new BatchNormPart(c, gamma, beta, mean, variance, scale.Name);
    }

    /// <summary>A batch norm that only adds the convolution's bias (zero without one): for a residual block whose batch norm was folded away.</summary>
    public static BatchNormPart Neutral(ConvPart conv)
    {
        int c = conv.Spec.OutChannels;
        return new BatchNormPart(c, Filled(c, 1f), conv.Bias ?? new float[c], new float[c], Filled(c, NeutralVariance), null);
    }

    /// <summary>A batch norm after a convolution with a bias: the bias moves into the running mean, bn(conv(x) + b) = bn'(conv(x)).</summary>
    public static BatchNormPart AbsorbBias(BatchNormPart bn, float[]? bias) =>
        bias is null ? bn : bn with { Mean = bn.Mean.Zip(bias, (m, b) => m - b).ToArray() };

    public PoolSpec Pool(NodeProto node)
    {
        var ks = GetInts(node, "kernel_shape") ?? throw Error(node, "it has no kernel_shape");
        if (ks.Length != 2 || ks[0] != ks[1]) throw Error(node, $"window {Format(ks)} is not a square 2-D window");
        if (GetInt(node, "ceil_mode", 0) != 0) throw Error(node, "ceil_mode = 1: our pooling rounds the output size down");
        RequireOnes(node, "dilations");
        if (node.Output.Count > 1 && node.Output[1].Length > 0) throw Error(node, "its Indices output is not supported");
        int k = (int)ks[0], stride = Stride(node), padding = Padding(node);
        if (node.OpType == "MaxPool") return new MaxPoolSpec(index.Label(node), k, stride, padding);
        if (padding > 0 && GetInt(node, "count_include_pad", 0) == 0)
            throw Error(node, "count_include_pad = 0 with padding: our average pooling counts padded cells in the divisor (PyTorch's default count_include_pad=True)");
        return new AvgPoolSpec(index.Label(node), k, stride, padding);
    }

    /// <summary>Gemm: y = alpha · x · op(B) + beta · C, with op(B) = Bᵀ when transB = 1.</summary>
    public (LinearSpec Spec, float[] Weight, float[]? Bias, string WeightName) Gemm(NodeProto node)
    {
        if (GetInt(node, "transA", 0) != 0) throw Error(node, "transA = 1 is not supported");
        float alpha = GetFloat(node, "alpha", 1f), beta = GetFloat(node, "beta", 1f);
        var b = index.Constant(node.Input[1], node, "weight");
        int[] shape = OnnxTensors.Shape(b);
        if (shape.Length != 2) throw Error(node, $"weight {Format(shape)} is not 2-D");
        float[] w = OnnxTensors.ReadFloats(b);
        bool transB = GetInt(node, "transB", 0) != 0;
        int outFeatures = transB ? shape[0] : shape[1], inFeatures = transB ? shape[1] : shape[0];
        if (!transB) w = Transpose(w, inFeatures, outFeatures);
        float[]? bias = index.OptionalConstant(node, 2, "bias") is { } c ? OnnxTensors.ReadFloats(c) : null;
        if (bias is not null && bias.Length != outFeatures)
            throw Error(node, $"bias has {bias.Length} values for {outFeatures} outputs: only a bias per output is supported");
        if (alpha != 1f || (bias is not null && beta != 1f))
        {
            w = w.Select(v => v * alpha).ToArray();
            bias = bias?.Select(v => v * beta).ToArray();
            notes.Add($"linear '{index.Label(node)}': alpha {alpha} and beta {beta} multiplied into its weight and bias");
        }
        return (new LinearSpec(index.Label(node), inFeatures, outFeatures, bias is not null), w, bias, b.Name);
    }

    /// <summary>MatMul by a constant [in,out] matrix, with the bias of an Add right after it when there is one.</summary>
    public (LinearSpec Spec, float[] Weight, float[]? Bias, string WeightName) MatMul(NodeProto node, NodeProto? biasAdd)
    {
        var b = index.Constant(node.Input[1], node, "weight");
        int[] shape = OnnxTensors.Shape(b);
        if (shape.Length != 2) throw Error(node, $"weight {Format(shape)} is not 2-D");
        float[] w = Transpose(OnnxTensors.ReadFloats(b), shape[0], shape[1]);
        float[]? bias = null;
        if (biasAdd is not null)
        {
            var c = index.Constant(biasAdd.Input.First(index.IsConstant), biasAdd, "bias");
            bias = OnnxTensors.ReadFloats(c);
            if (bias.Length != shape[1]) throw Error(biasAdd, $"adds {bias.Length} values to {shape[1]} outputs: only a bias per output is supported");
        }
        return (new LinearSpec(index.Label(node), shape[0], shape[1], bias is not null), w, bias, b.Name);
    }

    public OnnxImportException Error(NodeProto node, string message) =>
        new($"node '{index.Label(node)}' ({node.OpType}): {message}", index.Label(node));

    private int Stride(NodeProto node)
    {
        var s = GetInts(node, "strides") ?? [1, 1];
        if (s.Length != 2 || s[0] != s[1]) throw Error(node, $"strides {Format(s)} differ between height and width");
        return (int)s[0];
    }

    private int Padding(NodeProto node)
    {
        string autoPad = GetString(node, "auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "" or "VALID")) throw Error(node, $"auto_pad = {autoPad}: give explicit pads");
        var p = GetInts(node, "pads") ?? [0, 0, 0, 0];
        if (autoPad == "VALID") p = [0, 0, 0, 0];
        if (p.Length != 4 || p.Distinct().Count() != 1) throw Error(node, $"pads {Format(p)} are not the same on all four sides");
        return (int)p[0];
    }

    private void RequireOnes(NodeProto node, string attribute)
    {
        if (GetInts(node, attribute) is { } d && d.Any(v => v != 1)) throw Error(node, $"{attribute} {Format(d)}: only 1 is supported");
    }

    private static float[] Transpose(float[] m, int rows, int cols)
    {
        var t = new float[m.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
        return t;
    }

    private static float[] Filled(int n, float v) => Enumerable.Repeat(v, n).ToArray();

    private static string Format<T>(IEnumerable<T> values) => $"[{string.Join(",", values)}]";

    // The float v nearest to 1 - eps, so that v + eps is 1 to within half a float ulp.
    private static float NearestBelowOne(float eps) => (float)(1.0 - eps);
}
