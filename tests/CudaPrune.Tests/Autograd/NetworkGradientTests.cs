using CudaPrune.Core.Autograd;
using CudaPrune.Core.Backends.Cpu;
using CudaPrune.Core.Tensors;

namespace CudaPrune.Tests.Autograd;

/// <summary>
/// A finite-difference check of a whole small network built from <see cref="Ops"/>:
/// conv → BN → ReLU → max-pool → conv → ReLU → global average pool → linear → cross-entropy,
/// for every parameter entry and the input.
/// </summary>
[TestFixture(true)]
[TestFixture(false)]
public class NetworkGradientTests(bool useFastPaths)
{
    [Test]
    public void EveryParameterOfASmallNetwork()
    {
        var be = new CpuBackend(useFastPaths);
        var random = new Random(60);
        Tensor P(float scale, params int[] shape)
        {
            var data = new float[Shapes.Count(shape)];
            for (int i = 0; i < data.Length; i++) data[i] = scale * (2f * random.NextSingle() - 1f);
            return be.FromArray(data, shape);
        }

        var x = P(1f, 2, 3, 8, 8);
        var labels = be.FromArray([1, 2], [2]);
        Tensor w1 = P(0.5f, 4, 3, 3, 3), b1 = P(0.1f, 4);
        Tensor gamma = be.FromArray([1.1f, 0.9f, 1.3f, 0.7f], [4]), beta = P(0.2f, 4);
        Tensor runningMean = be.Zeros([4]), runningVar = be.FromArray([1f, 1f, 1f, 1f], [4]);
        Tensor w2 = P(0.4f, 6, 4, 3, 3), b2 = P(0.1f, 6);
        Tensor wl = P(1f, 3, 6), bl = P(0.1f, 3);

        Tensor Network()
        {
            var h = Ops.Conv2d(x, w1, b1, stride: 1, padding: 1);
            h = Ops.BatchNorm2d(h, gamma, beta, runningMean, runningVar, training: true, momentum: 0.1f, eps: 1e-5f);
            h = Ops.Relu(h);
            h = Ops.MaxPool2d(h, kernel: 2, stride: 2);
            h = Ops.Conv2d(h, w2, b2, stride: 1, padding: 1);
            h = Ops.Relu(h);
            h = Ops.GlobalAvgPool(h);
            h = Ops.Linear(h, wl, bl);
            return Ops.CrossEntropy(h, labels);
        }

        // A smaller step than for single ops: ReLU kinks and max-pool near-ties inside the network are
        // crossed less often; the loss is O(1), so float32 noise in the difference stays ~1e-4.
        GradientCheck.Check(Network, [w1, b1, gamma, beta, w2, b2, wl, bl, x], eps: 1e-3, atol: 5e-4, rtol: 3e-2);
    }
}
