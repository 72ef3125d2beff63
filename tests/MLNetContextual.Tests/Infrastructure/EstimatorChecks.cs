using System.Collections;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Tests;

/// <summary>
/// Modeled on ML.NET's TestEstimatorCore: fit → transform → save → load in a new MLContext → identical outputs →
/// PredictionEngine gives the same; the estimator's promised schema matches the transformer's; invalid input fails in
/// both GetOutputSchema and Fit.
/// </summary>
public static class EstimatorChecks
{
    /// <summary>Runs the round trip and returns the fitted transformer and the path of its saved zip.</summary>
    /// <typeparam name="TIn">Row class of the input.</typeparam>
    /// <typeparam name="TOut">Row class with the output columns to compare (array properties compared element-wise).</typeparam>
    public static (ITransformer Model, string ZipPath) RoundTrip<TIn, TOut>(IEstimator<ITransformer> estimator, IReadOnlyList<TIn> rows,
        IDataView invalidData = null, float predictionTolerance = 1e-5f, MLContext ml = null)
        where TIn : class where TOut : class, new()
    {
        ml ??= new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows);

        var promised = estimator.GetOutputSchema(SchemaShapes.From(data.Schema));
        var model = estimator.Fit(data);
        var transformed = model.Transform(data);
        foreach (var column in transformed.Schema.Where(c => !c.IsHidden))
        {
            var shape = promised.FirstOrDefault(c => c.Name == column.Name);
            Assert.True(shape.Name != null, $"Estimator does not promise column '{column.Name}'.");
            var itemType = column.Type is VectorDataViewType v ? v.ItemType : column.Type;
            if (itemType is KeyDataViewType key)   // SchemaShape describes a key by its raw type (IsKey set)
                itemType = key.RawType == typeof(uint) ? NumberDataViewType.UInt32 : itemType;
            Assert.True(shape.ItemType.Equals(itemType), $"Column '{column.Name}': promised {shape.ItemType}, got {column.Type}.");
        }
        Assert.Equal(transformed.Schema.Count(c => !c.IsHidden), promised.Count());

        if (invalidData != null)
        {
            Assert.ThrowsAny<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShapes.From(invalidData.Schema)));
            Assert.ThrowsAny<ArgumentOutOfRangeException>(() => estimator.Fit(invalidData));
        }

        var expected = ml.Data.CreateEnumerable<TOut>(transformed, reuseRowObject: false).ToList();
        Assert.Equal(rows.Count, expected.Count);

        string path = Path.Combine(Path.GetTempPath(), $"mlnetctx-{Guid.NewGuid():N}.zip");
        ml.Model.Save(model, data.Schema, path);

        var fresh = new MLContext(seed: 2);
        var loaded = fresh.Model.Load(path, out var savedSchema);
        Assert.Equal(data.Schema.Select(c => c.Name), savedSchema.Select(c => c.Name));
        var reloaded = loaded.Transform(fresh.Data.LoadFromEnumerable(rows));
        Assert.Equal(transformed.Schema.Select(c => (c.Name, c.Type.ToString())), reloaded.Schema.Select(c => (c.Name, c.Type.ToString())));
        var actual = fresh.Data.CreateEnumerable<TOut>(reloaded, reuseRowObject: false).ToList();
        for (int i = 0; i < expected.Count; i++)
            AssertSame(expected[i], actual[i], 0f, $"row {i} after reload");

        using var engine = fresh.Model.CreatePredictionEngine<TIn, TOut>(loaded);
        for (int i = 0; i < rows.Count; i++)
            AssertSame(expected[i], engine.Predict(rows[i]), predictionTolerance, $"row {i} through PredictionEngine");

        return (model, path);
    }

    /// <summary>Compares the public properties of two rows; arrays element-wise within <paramref name="tolerance"/>.</summary>
    public static void AssertSame<T>(T expected, T actual, float tolerance, string where)
    {
        foreach (var p in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            object e = p.GetValue(expected), a = p.GetValue(actual);
            if (e is float[] ef && a is float[] af)
            {
                Assert.True(ef.Length == af.Length, $"{p.Name} {where}: length {ef.Length} vs {af.Length}");
                for (int k = 0; k < ef.Length; k++)
                    Assert.True(Math.Abs(ef[k] - af[k]) <= tolerance, $"{p.Name}[{k}] {where}: {ef[k]} vs {af[k]}");
            }
            else if (e is float fe && a is float fa)
                Assert.True(Math.Abs(fe - fa) <= tolerance, $"{p.Name} {where}: {fe} vs {fa}");
            else if (e is IEnumerable ee && a is IEnumerable ae && e is not string)
                Assert.Equal(ee.Cast<object>(), ae.Cast<object>());
            else
                Assert.Equal(e, a);
        }
    }
}
