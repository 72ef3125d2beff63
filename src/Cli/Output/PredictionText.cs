using System.Globalization;
using MLNetContextual.Cli.Data;

namespace MLNetContextual.Cli.Output;

/// <summary>
/// How a prediction is printed, by mlnetctx and by the generated consumption project alike (the generated
/// <c>ConsumeModel.Describe</c> is the same code), so that their outputs can be compared line by line.
/// </summary>
public static class PredictionText
{
    /// <summary>Binary: the class of PredictedLabel and the probability of that class.</summary>
    public static (string Class, float Score) Binary(bool predicted, float probability, string[] names) =>
        (predicted ? names[1] : names[0], predicted ? probability : 1 - probability);

    /// <summary>Multiclass: the class at the highest score, names in Score order.</summary>
    public static (string Class, float Score) Multiclass(float[] scores, string[] names)
    {
        int best = 0;
        for (int i = 1; i < scores.Length; i++)
            if (scores[i] > scores[best])
                best = i;
        return (names[best], scores[best]);
    }

    /// <summary>The printed line: class (or value), tab, score, tab, text.</summary>
    public static string Line(TaskKind task, string predicted, float score, string text) => task == TaskKind.Regression
        ? string.Create(CultureInfo.InvariantCulture, $"{score:F4}\t{text}")
        : string.Create(CultureInfo.InvariantCulture, $"{predicted}\t{score:F4}\t{text}");

    /// <summary>The generated C# of <c>ConsumeModel.Describe(ModelOutput output, string text)</c> for the task.</summary>
    public static string DescribeCode(TaskKind task, bool binary) => task == TaskKind.Regression
        ? """
              public static string Describe(ModelOutput output, string text) =>
                  string.Create(CultureInfo.InvariantCulture, $"{output.Score:F4}\t{text}");
          """
        : binary
        ? """
              public static string Describe(ModelOutput output, string text)
              {
                  // Names are [negative, positive]: PredictedLabel true is the positive class; Probability is its probability.
                  string name = output.PredictedLabel ? ModelClasses.Names[1] : ModelClasses.Names[0];
                  float score = output.PredictedLabel ? output.Probability : 1 - output.Probability;
                  return string.Create(CultureInfo.InvariantCulture, $"{name}\t{score:F4}\t{text}");
              }
          """
        : """
              public static string Describe(ModelOutput output, string text)
              {
                  // Score holds one probability per class, in the order of ModelClasses.Names (the model's key order).
                  int best = 0;
                  for (int i = 1; i < output.Score.Length; i++)
                      if (output.Score[i] > output.Score[best])
                          best = i;
                  return string.Create(CultureInfo.InvariantCulture, $"{ModelClasses.Names[best]}\t{output.Score[best]:F4}\t{text}");
              }
          """;
}
