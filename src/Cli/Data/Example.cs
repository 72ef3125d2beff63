namespace MLNetContextual.Cli.Data;

/// <summary>One row of a text task: one or two texts and the label as read (class name or number), with its file line.</summary>
public sealed record Example(string Text, string Text2, string Label, int Line);
