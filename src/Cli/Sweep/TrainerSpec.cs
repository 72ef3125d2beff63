using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace MLNetContextual.Cli.Sweep;

/// <summary>An ML.NET trainer on a "Features" vector and a "Label", with the C# that creates it (for the generated training project).</summary>
/// <param name="Name">Short name for the leaderboard.</param>
/// <param name="Create">Makes the estimator (normalisation included where the trainer wants it).</param>
/// <param name="Code">The same estimator as C# on an MLContext named <c>ml</c>.</param>
/// <param name="Package">The NuGet package the trainer lives in, beside Microsoft.ML (null: Microsoft.ML itself).</param>
public sealed record TrainerSpec(string Name, Func<MLContext, IEstimator<ITransformer>> Create, string Code, string Package = null)
{
    // LightGBM's OpenMP threads spin while they wait: on a busy machine several threads are many times slower than one.
    private static int Threads => int.TryParse(Environment.GetEnvironmentVariable("MLNETCTX_TRAINER_THREADS"), out int n) ? n : 1;

    /// <summary>Trainers for encoder features (dense, a few hundred dimensions), cheapest first.</summary>
    public static IReadOnlyList<TrainerSpec> ForFeatures(bool binary, bool multiclass, int rows)
    {
        // Trees on a few hundred dense dimensions: fewer leaves on small data.
        int leaves = rows < 2000 ? 8 : 20, minLeaf = rows < 2000 ? 5 : 20;
        if (binary)
            return
            [
                new("L-BFGS logistic", ml => ml.Transforms.NormalizeMinMax("Features").Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression()),
                    "ml.Transforms.NormalizeMinMax(\"Features\").Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression())"),
                new("SDCA logistic", ml => ml.Transforms.NormalizeMinMax("Features").Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options { NumberOfThreads = Threads })),
                    "ml.Transforms.NormalizeMinMax(\"Features\").Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(new Microsoft.ML.Trainers.SdcaLogisticRegressionBinaryTrainer.Options { NumberOfThreads = 1 }))"),
                new("LightGBM", ml => ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options { NumberOfThreads = Threads, NumberOfLeaves = leaves, MinimumExampleCountPerLeaf = minLeaf, NumberOfIterations = 200, LearningRate = 0.1 }),
                    $"ml.BinaryClassification.Trainers.LightGbm(new Microsoft.ML.Trainers.LightGbm.LightGbmBinaryTrainer.Options {{ NumberOfThreads = 1, NumberOfLeaves = {leaves}, MinimumExampleCountPerLeaf = {minLeaf}, NumberOfIterations = 200, LearningRate = 0.1 }})",
                    "Microsoft.ML.LightGbm"),
                new("FastTree", ml => ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options { NumberOfThreads = Threads, NumberOfLeaves = leaves, MinimumExampleCountPerLeaf = minLeaf, NumberOfTrees = 200 }),
                    $"ml.BinaryClassification.Trainers.FastTree(new Microsoft.ML.Trainers.FastTree.FastTreeBinaryTrainer.Options {{ NumberOfThreads = 1, NumberOfLeaves = {leaves}, MinimumExampleCountPerLeaf = {minLeaf}, NumberOfTrees = 200 }})",
                    "Microsoft.ML.FastTree"),
            ];
        if (multiclass)
            return
            [
                new("L-BFGS max-entropy", ml => ml.Transforms.NormalizeMinMax("Features").Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy()),
                    "ml.Transforms.NormalizeMinMax(\"Features\").Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy())"),
                new("SDCA max-entropy", ml => ml.Transforms.NormalizeMinMax("Features").Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options { NumberOfThreads = Threads })),
                    "ml.Transforms.NormalizeMinMax(\"Features\").Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new Microsoft.ML.Trainers.SdcaMaximumEntropyMulticlassTrainer.Options { NumberOfThreads = 1 }))"),
                new("LightGBM", ml => ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options { NumberOfThreads = Threads, NumberOfLeaves = leaves, MinimumExampleCountPerLeaf = minLeaf, NumberOfIterations = 100, LearningRate = 0.1 }),
                    $"ml.MulticlassClassification.Trainers.LightGbm(new Microsoft.ML.Trainers.LightGbm.LightGbmMulticlassTrainer.Options {{ NumberOfThreads = 1, NumberOfLeaves = {leaves}, MinimumExampleCountPerLeaf = {minLeaf}, NumberOfIterations = 100, LearningRate = 0.1 }})",
                    "Microsoft.ML.LightGbm"),
            ];
        return
        [
            new("SDCA regression", ml => ml.Transforms.NormalizeMinMax("Features").Append(ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { NumberOfThreads = Threads })),
                "ml.Transforms.NormalizeMinMax(\"Features\").Append(ml.Regression.Trainers.Sdca(new Microsoft.ML.Trainers.SdcaRegressionTrainer.Options { NumberOfThreads = 1 }))"),
            new("Online gradient descent", ml => ml.Transforms.NormalizeMinMax("Features").Append(ml.Regression.Trainers.OnlineGradientDescent()),
                "ml.Transforms.NormalizeMinMax(\"Features\").Append(ml.Regression.Trainers.OnlineGradientDescent())"),
            new("LightGBM", ml => ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options { NumberOfThreads = Threads, NumberOfLeaves = leaves, MinimumExampleCountPerLeaf = minLeaf, NumberOfIterations = 200, LearningRate = 0.1 }),
                $"ml.Regression.Trainers.LightGbm(new Microsoft.ML.Trainers.LightGbm.LightGbmRegressionTrainer.Options {{ NumberOfThreads = 1, NumberOfLeaves = {leaves}, MinimumExampleCountPerLeaf = {minLeaf}, NumberOfIterations = 200, LearningRate = 0.1 }})",
                "Microsoft.ML.LightGbm"),
            new("FastTree", ml => ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options { NumberOfThreads = Threads, NumberOfLeaves = leaves, MinimumExampleCountPerLeaf = minLeaf, NumberOfTrees = 200 }),
                $"ml.Regression.Trainers.FastTree(new Microsoft.ML.Trainers.FastTree.FastTreeRegressionTrainer.Options {{ NumberOfThreads = 1, NumberOfLeaves = {leaves}, MinimumExampleCountPerLeaf = {minLeaf}, NumberOfTrees = 200 }})",
                "Microsoft.ML.FastTree"),
        ];
    }

    /// <summary>
    /// Trainers for FeaturizeText's sparse n-gram vectors (ML.NET's own baselines): linear ones, L-BFGS first (seconds;
    /// the sweep's first result, run to its end), then SDCA with ML.NET's defaults (often better, minutes on long documents).
    /// </summary>
    public static IReadOnlyList<TrainerSpec> ForNGrams(bool binary, bool multiclass)
    {
        if (binary)
            return
            [
                new("L-BFGS logistic", ml => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(),
                    "ml.BinaryClassification.Trainers.LbfgsLogisticRegression()"),
                new("SDCA logistic", ml => ml.BinaryClassification.Trainers.SdcaLogisticRegression(),
                    "ml.BinaryClassification.Trainers.SdcaLogisticRegression()"),
            ];
        if (multiclass)
            return
            [
                new("L-BFGS max-entropy", ml => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(),
                    "ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy()"),
                new("SDCA max-entropy", ml => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(),
                    "ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()"),
            ];
        return
        [
            new("SDCA regression", ml => ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { NumberOfThreads = Threads }), "ml.Regression.Trainers.Sdca(new Microsoft.ML.Trainers.SdcaRegressionTrainer.Options { NumberOfThreads = 1 })"),
            new("Online gradient descent", ml => ml.Regression.Trainers.OnlineGradientDescent(), "ml.Regression.Trainers.OnlineGradientDescent()"),
        ];
    }
}
