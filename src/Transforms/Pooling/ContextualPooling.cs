namespace MLNetContextual;

/// <summary>How token vectors become one vector per text.</summary>
public enum ContextualPooling
{
    /// <summary>Average of the token vectors under the attention mask ([CLS] and [SEP] included), as sentence-transformers does.</summary>
    Mean,
    /// <summary>The vector of the [CLS] token.</summary>
    Cls,
    /// <summary>Element-wise maximum over the tokens under the attention mask.</summary>
    Max,
    /// <summary>No pooling: every token vector, flattened as one vector of tokens × dimension, plus a column with the tokens.</summary>
    None,
}
