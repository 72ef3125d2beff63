using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Cli.Data;
using MLNetContextual.Cli.Terminal;

namespace MLNetContextual.Cli.Sweep;

/// <summary>How texts are fed to the encoder: truncated at MaxTokens, or as overlapping windows of MaxTokens.</summary>
/// <param name="MaxTokens">Tokens per text (or per window).</param>
/// <param name="Windows">Overlapping windows over long texts, else truncation.</param>
/// <param name="Overlap">Tokens a window shares with the previous one.</param>
/// <param name="SelfContained">--self-contained-zip: the zip holds the embedded MiniLM's weights (else its name and SHA-256).</param>
public sealed record EncodingPlan(int MaxTokens, bool Windows, int Overlap = 64, bool SelfContained = false)
{
    /// <inheritdoc />
    public override string ToString() => Windows ? $"windows of {MaxTokens} tokens, overlap {Overlap}" : $"{MaxTokens} tokens";
}

/// <summary>
/// A frozen encoder's vectors for every training and validation row, computed once per sweep and held in memory so that
/// every trainer reads them instead of running the encoder again (what AppendCacheCheckpoint does for one pipeline,
/// shared here by all the candidates of the encoder).
/// </summary>
public sealed class FeatureSet
{
    /// <summary>The encoder.</summary>
    public EncoderChoice Encoder { get; init; }
    /// <summary>Text (and Text2) to "Features": the fitted embedding transform(s) that start the saved model.</summary>
    public ITransformer Embed { get; init; }
    /// <summary>Vectors of the training rows, in order.</summary>
    public float[][] Train { get; init; }
    /// <summary>Vectors of the validation rows (empty with --cv-fold).</summary>
    public float[][] Valid { get; init; }
    /// <summary>Vector length.</summary>
    public int Dimension { get; init; }
    /// <summary>The MaxTokens encoded with.</summary>
    public int MaxTokens { get; init; }
    /// <summary>Whether long texts were encoded as overlapping windows (else truncated).</summary>
    public bool Windows { get; init; }
    /// <summary>Seconds spent encoding.</summary>
    public double Seconds { get; init; }
    /// <summary>Rows per second measured.</summary>
    public double RowsPerSecond { get; init; }

    /// <summary>The options of the embedding transform.</summary>
    public static ContextualEmbeddingOptions Options(EncoderChoice encoder, EncodingPlan plan, int? gpu) => new()
    {
        Encoder = encoder.Frozen, MaxTokens = plan.MaxTokens, GpuDeviceId = gpu, Pooling = ContextualPooling.Mean,
        LongText = plan.Windows ? LongTextHandling.Windows : LongTextHandling.Truncate, WindowOverlap = plan.Overlap,
        SelfContainedZip = plan.SelfContained,
    };

    /// <summary>The embedding estimator(s): "Features" from Text, or "Features1" + "Features2" concatenated for pairs.</summary>
    public static IEstimator<ITransformer> Estimator(MLContext ml, EncoderChoice encoder, EncodingPlan plan, int? gpu, bool pair) => pair
        ? ml.Transforms.Text.ApplyContextualEmbedding("Features1", "Text", Options(encoder, plan, gpu))
            .Append(ml.Transforms.Text.ApplyContextualEmbedding("Features2", "Text2", Options(encoder, plan, gpu)))
            .Append(ml.Transforms.Concatenate("Features", "Features1", "Features2"))
        : ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", Options(encoder, plan, gpu));

    /// <summary>Rows per second of the encoder at <paramref name="maxTokens"/>, timed on up to 48 rows spread over the data.</summary>
    public static double Probe(MLContext ml, EncoderChoice encoder, IReadOnlyList<Example> rows, bool pair, EncodingPlan plan, int? gpu)
    {
        int step = Math.Max(1, rows.Count / 48);
        var sample = rows.Where((_, i) => i % step == 0).Take(48).ToList();
        var view = DataViews.Text(ml, sample, pair);
        var embed = Estimator(ml, encoder, plan, gpu, pair).Fit(view);
        var warm = DataViews.Text(ml, sample.Take(2), pair);
        Read(embed.Transform(warm), 2, CancellationToken.None, null);   // warm-up: loads the session
        var watch = Stopwatch.StartNew();
        Read(embed.Transform(view), sample.Count, CancellationToken.None, null);
        return sample.Count / Math.Max(1e-3, watch.Elapsed.TotalSeconds);
    }

    /// <summary>Encodes the training and validation rows with progress and ETA; cancellable between rows.</summary>
    public static FeatureSet Encode(MLContext ml, EncoderChoice encoder, IReadOnlyList<Example> train, IReadOnlyList<Example> valid,
        bool pair, EncodingPlan plan, int? gpu, SweepConsole view, CancellationToken cancel)
    {
        var all = train.Concat(valid).ToList();
        var input = DataViews.Text(ml, all, pair);
        var embed = Estimator(ml, encoder, plan, gpu, pair).Fit(input);
        var watch = Stopwatch.StartNew();
        var vectors = Read(embed.Transform(input), all.Count, cancel,
            done => view.Progress($"Encoding rows ({encoder.Name}, {plan})", done, all.Count));
        double seconds = watch.Elapsed.TotalSeconds;
        return new FeatureSet
        {
            Encoder = encoder, Embed = embed, MaxTokens = plan.MaxTokens, Windows = plan.Windows, Seconds = seconds, RowsPerSecond = all.Count / Math.Max(1e-3, seconds),
            Train = vectors[..train.Count], Valid = vectors[train.Count..], Dimension = vectors.Length > 0 ? vectors[0].Length : 0,
        };
    }

    private static float[][] Read(IDataView encoded, int count, CancellationToken cancel, Action<long> progress)
    {
        var column = encoded.Schema["Features"];
        var result = new float[count][];
        using var cursor = encoded.GetRowCursor([column]);
        var get = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        int i = 0;
        progress?.Invoke(0);
        while (cursor.MoveNext())
        {
            cancel.ThrowIfCancellationRequested();
            get(ref buffer);
            result[i++] = buffer.DenseValues().ToArray();
            if (progress != null && (i % 16 == 0 || i == count))
                progress(i);
        }
        return result;
    }
}
