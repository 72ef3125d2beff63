using Microsoft.ML;

namespace MLNetContextual;

/// <summary>Sentence pairs with gold similarity scores (e.g. STS-B dev) on which <c>Fit</c> measures the Spearman
/// correlation of the cosine similarity after every epoch, and keeps the epoch that scored best.</summary>
/// <param name="Data">The pairs.</param>
/// <param name="FirstColumnName">First sentence (String).</param>
/// <param name="SecondColumnName">Second sentence (String).</param>
/// <param name="ScoreColumnName">Gold score (Single or Double).</param>
public sealed record UseValidationPairs(IDataView Data, string FirstColumnName = "Sentence1", string SecondColumnName = "Sentence2",
    string ScoreColumnName = "Score");
