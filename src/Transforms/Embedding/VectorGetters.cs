using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>Getters that copy a computed array into ML.NET's reusable buffers.</summary>
internal static class VectorGetters
{
    public static ValueGetter<VBuffer<float>> Floats(Func<float[]> current) => (ref VBuffer<float> dst) =>
    {
        var values = current();
        var editor = VBufferEditor.Create(ref dst, values.Length);
        values.AsSpan().CopyTo(editor.Values);
        dst = editor.Commit();
    };

    public static ValueGetter<VBuffer<ReadOnlyMemory<char>>> Texts(Func<string[]> current) => (ref VBuffer<ReadOnlyMemory<char>> dst) =>
    {
        var values = current();
        var editor = VBufferEditor.Create(ref dst, values.Length);
        for (int i = 0; i < values.Length; i++)
            editor.Values[i] = values[i].AsMemory();
        dst = editor.Commit();
    };

    public static ValueGetter<VBuffer<int>> Ints(Func<int[]> current) => (ref VBuffer<int> dst) =>
    {
        var values = current();
        var editor = VBufferEditor.Create(ref dst, values.Length);
        values.AsSpan().CopyTo(editor.Values);
        dst = editor.Commit();
    };

    public static ValueGetter<VBuffer<long>> Longs(Func<long[]> current) => (ref VBuffer<long> dst) =>
    {
        var values = current();
        var editor = VBufferEditor.Create(ref dst, values.Length);
        values.AsSpan().CopyTo(editor.Values);
        dst = editor.Commit();
    };
}
