namespace MLNetContextual;

/// <summary>
/// Holds back <see cref="FineTuningOptions.ValidationFraction"/> of the training rows as the validation set when the
/// caller gave none: a seeded random split of rows (not grouped by any source), only when there is more than one epoch
/// to choose from.
/// </summary>
internal static class ValidationCarving
{
    /// <summary>Splits <paramref name="rows"/>; Validation is null when nothing is held back (a validation set was
    /// given, the fraction is 0, there is one epoch, or fewer than 2 rows).</summary>
    public static (List<T> Train, List<T> Validation) Split<T>(List<T> rows, FineTuningOptions options, int seed,
        CatalogEnvironment.ILogChannel log, string name)
    {
        if (options.ValidationSet != null || options.ValidationFraction <= 0 || options.MaxEpochs <= 1 || rows.Count < 2)
            return (rows, null);
        int held = Math.Clamp((int)Math.Round(options.ValidationFraction * rows.Count), 1, rows.Count - 1);
        var order = Enumerable.Range(0, rows.Count).ToArray();
        new Random(unchecked(seed * 31 + 17)).Shuffle(order);   // a stream of its own: the loop's shuffles use seed
        var heldBack = new bool[rows.Count];
        foreach (int i in order.AsSpan(0, held))
            heldBack[i] = true;
        var train = new List<T>(rows.Count - held);
        var validation = new List<T>(held);
        for (int i = 0; i < rows.Count; i++)
            (heldBack[i] ? validation : train).Add(rows[i]);
        log?.Info($"{name}: no ValidationSet given; holding back {held} of {rows.Count} training rows (ValidationFraction " +
                  $"{options.ValidationFraction:G3}, random rows) to keep the best of {options.MaxEpochs} epochs.");
        return (train, validation);
    }
}
