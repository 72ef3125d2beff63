namespace MLNetContextual;

/// <summary>A word that fits a slot of a sentence, from <see cref="Context2VecEncoder.Substitutes"/>.</summary>
/// <param name="Word">The word, as the vocabulary holds it (lower-cased for a lower-casing model).</param>
/// <param name="Score">Cosine of its target embedding with the slot's context vector, in [−1, 1]; higher fits better.
/// (The reference's explore tool prints (cosine + 1) / 2; the order is the same.)</param>
public readonly record struct Context2VecSubstitute(string Word, float Score);
