using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MLNetContextual;

/// <summary>Small SIMD kernels over float spans (dot product, axpy) shared by the static-vector code and its learners.</summary>
internal static class VectorMath
{
    /// <summary>Returns Σ x[i]·y[i]; the spans have the same length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int n = x.Length, i = 0;
        float sum = 0f;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y.Slice(0, n));
            var acc = Vector<float>.Zero;
            for (int k = 0; k < xv.Length; k++) acc += xv[k] * yv[k];
            sum = Vector.Sum(acc);
            i = xv.Length * Vector<float>.Count;
        }
        for (; i < n; i++) sum += x[i] * y[i];
        return sum;
    }

    /// <summary>y[i] += a·x[i]; the spans have the same length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length, i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y.Slice(0, n));
            var av = new Vector<float>(a);
            for (int k = 0; k < xv.Length; k++) yv[k] += av * xv[k];
            i = xv.Length * Vector<float>.Count;
        }
        for (; i < n; i++) y[i] += a * x[i];
    }

    /// <summary>
    /// One negative-sampling step of word2vec: error[i] += g·output[i], then output[i] += g·input[i] (the output row is
    /// read before it is changed, as in word2vec.c's two loops).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BackpropOutput(float g, Span<float> output, ReadOnlySpan<float> input, Span<float> error)
    {
        int n = output.Length, i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var ov = MemoryMarshal.Cast<float, Vector<float>>(output);
            var iv = MemoryMarshal.Cast<float, Vector<float>>(input.Slice(0, n));
            var ev = MemoryMarshal.Cast<float, Vector<float>>(error.Slice(0, n));
            var gv = new Vector<float>(g);
            for (int k = 0; k < ov.Length; k++)
            {
                var o = ov[k];
                ev[k] += gv * o;
                ov[k] = o + gv * iv[k];
            }
            i = ov.Length * Vector<float>.Count;
        }
        for (; i < n; i++)
        {
            float o = output[i];
            error[i] += g * o;
            output[i] = o + g * input[i];
        }
    }

    /// <summary>Euclidean norm of <paramref name="x"/>.</summary>
    public static float Norm(ReadOnlySpan<float> x) => MathF.Sqrt(Dot(x, x));
}
