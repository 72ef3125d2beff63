namespace MLNetContextual.Cli.Data;

/// <summary>The tasks of <c>mlnetctx</c>, named as Microsoft's <c>mlnet</c> CLI names them.</summary>
public enum TaskKind
{
    /// <summary>Two classes (binary trainers, AUC) or more (multiclass trainers).</summary>
    Classification,
    /// <summary>A numeric label (a rating, a similarity score).</summary>
    Regression,
    /// <summary>Extractive question answering on SQuAD v1.1 JSON.</summary>
    QuestionAnswering,
}
