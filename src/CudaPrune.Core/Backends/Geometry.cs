namespace CudaPrune.Core.Backends;

// Shape letters used across the backends:
// N = batch, C = input channels, H, W = input height and width,
// OC = output channels, K = square kernel size, OH, OW = output height and width.

/// <summary>Everything a 2-D convolution needs to know about its shapes (square kernel, same stride and padding on both axes, groups = 1).</summary>
public readonly record struct Conv2dGeometry(int N, int C, int H, int W, int OC, int K, int Stride, int Padding)
{
    public int OH => (H + 2 * Padding - K) / Stride + 1;
    public int OW => (W + 2 * Padding - K) / Stride + 1;

    /// <summary>Multiply-adds times two, bias not counted.</summary>
    public long Flops => 2L * N * OC * OH * OW * C * K * K;

    public int[] InputShape => [N, C, H, W];
    public int[] WeightShape => [OC, C, K, K];
    public int[] OutputShape => [N, OC, OH, OW];

    public void Validate()
    {
        if (N <= 0 || C <= 0 || H <= 0 || W <= 0 || OC <= 0 || K <= 0 || Stride <= 0 || Padding < 0)
            throw new ArgumentException($"invalid convolution geometry {this}");
        if (OH <= 0 || OW <= 0)
            throw new ArgumentException($"convolution {this} has an empty output: input {H}x{W} is smaller than kernel {K} with padding {Padding}");
    }

    public override string ToString() => $"N={N} C={C} H={H} W={W} OC={OC} K={K} stride={Stride} pad={Padding}";
}

/// <summary>Geometry of a max or average pooling (square window).</summary>
public readonly record struct Pool2dGeometry(int N, int C, int H, int W, int K, int Stride, int Padding)
{
    public int OH => (H + 2 * Padding - K) / Stride + 1;
    public int OW => (W + 2 * Padding - K) / Stride + 1;
    public int[] InputShape => [N, C, H, W];
    public int[] OutputShape => [N, C, OH, OW];

    public void Validate()
    {
        if (N <= 0 || C <= 0 || H <= 0 || W <= 0 || K <= 0 || Stride <= 0 || Padding < 0 || 2 * Padding > K)
            throw new ArgumentException($"invalid pooling geometry {this}");
        if (OH <= 0 || OW <= 0) throw new ArgumentException($"pooling {this} has an empty output");
    }

    public override string ToString() => $"N={N} C={C} H={H} W={W} K={K} stride={Stride} pad={Padding}";
}

/// <summary>Hyper-parameters of one SGD step (PyTorch's semantics: weight decay added to the gradient, then momentum, optionally Nesterov).</summary>
public readonly record struct SgdParameters(float LearningRate, float Momentum, float WeightDecay, bool Nesterov);
