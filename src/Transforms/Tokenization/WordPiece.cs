namespace MLNetContextual;

/// <summary>One BERT word piece: its vocabulary id, its vocabulary string (continuations keep "##"),
/// and the span of the ORIGINAL text it came from.</summary>
/// <param name="Id">Vocabulary id.</param>
/// <param name="Token">Vocabulary entry, e.g. "play" or "##ing"; "[UNK]" for unknown words.</param>
/// <param name="Start">Index of the first UTF-16 char of the span in the original text.</param>
/// <param name="Length">Length of the span in UTF-16 chars. Characters the tokenizer drops (accents, controls)
/// are covered only when they sit between two kept characters of the same piece.</param>
public readonly record struct WordPiece(int Id, string Token, int Start, int Length);
