using System.Numerics.Tensors;

namespace MLNetContextual;

/// <summary>Combines the requested layers of one text's <see cref="TokenStates"/> into one [tokens × dimension] block:
/// Σ_j c_j · h_j with c = γ · softmax(w) (ELMo's scalar mix); one layer with c = 1 is used as it is.</summary>
internal static class LayerMixer
{
    public static ReadOnlySpan<float> Mix(TokenStates states, float[] coefficients, ref float[] buffer)
    {
        if (coefficients.Length == 1 && coefficients[0] == 1f)
            return states.Layer(0);
        int n = states.TokenCount * states.Dimension;
        if (buffer == null || buffer.Length < n)
            buffer = new float[n];
        var mixed = buffer.AsSpan(0, n);
        TensorPrimitives.Multiply(states.Layer(0), coefficients[0], mixed);
        for (int j = 1; j < coefficients.Length; j++)
            TensorPrimitives.MultiplyAdd(states.Layer(j), coefficients[j], mixed, mixed);
        return mixed;
    }
}
