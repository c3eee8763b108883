using CudaPrune.Core.Tensors;

namespace CudaPrune.Core.Autograd;

/// <summary>Topological sort of the graph behind a tensor, then a reverse walk calling each node's backward closure.</summary>
public static class AutogradEngine
{
    // The root's gradient while Backward() runs with the default seed of ones, so an op can use the
    // known value 1 instead of reading a device scalar back to the host (a synchronisation per step).
    [ThreadStatic] private static Tensor? _unitSeed;

    /// <summary>True when <paramref name="grad"/> is the gradient of the root of the running Backward(), seeded with ones.</summary>
    public static bool IsUnitSeed(Tensor grad) => ReferenceEquals(grad, _unitSeed);

    public static void Backward(Tensor root, Tensor? seed)
    {
        if (!root.RequiresGrad) throw new InvalidOperationException($"{root.Describe()} does not require grad: nothing to differentiate");
        if (seed is null && root.Count != 1) throw new InvalidOperationException($"Backward() without a seed needs a scalar, got {Shapes.Format(root.Shape)}");

        var order = TopologicalOrder(root);
        using (DisposeScope.Suspend())
        {
            var g = root.GradOrCreate();
            if (seed is null) root.Backend.Fill(g, 1f);
            else root.Backend.AddInPlace(g, seed);
        }

        _unitSeed = seed is null ? root.Grad : null;
        try
        {
            Walk(root, order);
        }
        finally
        {
            _unitSeed = null;
        }
    }

    private static void Walk(Tensor root, List<Tensor> order)
    {
        // Reverse topological order: every consumer has added into a tensor's grad before it propagates.
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var t = order[i];
            var node = t.Node!;
            node.BackwardFn(t.Grad!);
            // Intermediate gradients are not needed once propagated, unless asked for.
            if (!t.RetainsGrad && t != root)
            {
                t.Grad!.Dispose();
                t.Grad = null;
            }
            node.Saved?.Dispose();
            t.Node = null; // the graph is used once
        }
    }

    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        // Iterative DFS: deep networks would overflow the stack with recursion.
        var stack = new Stack<(Tensor T, int Next)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.Node?.Inputs ?? [];
            if (next < inputs.Length)
            {
                stack.Push((t, next + 1));
                var child = inputs[next];
                if (child.Node is not null && visited.Add(child)) stack.Push((child, 0));
            }
            else if (t.Node is not null)
            {
                order.Add(t);
            }
        }
        return order;
    }
}
