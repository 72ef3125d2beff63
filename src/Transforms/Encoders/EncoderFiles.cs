namespace MLNetContextual;

/// <summary>
/// Saves an encoder description into a zip and reads it back: <c>{prefix}kind.json</c> names its kind, the assembly that
/// registers its loader, and its format version; the encoder's own entries (config, weights, vocabulary) follow under
/// the same prefix. Only registered loaders are ever called.
/// </summary>
internal static class EncoderFiles
{
    public const string DefaultPrefix = "Encoder.";

    private sealed record Descriptor(string Kind, string Assembly, int FormatVersion, string Name);

    public static void Save(ModelWriter writer, ContextualEncoder encoder, bool selfContained = false, string prefix = DefaultPrefix)
    {
        writer.WriteJson(prefix + "kind.json", new Descriptor(encoder.Kind, ComponentRegistry.EncoderAssembly(encoder), encoder.FormatVersion, encoder.Name));
        encoder.Save(new EncoderWriter(writer, prefix, selfContained));
    }

    public static ContextualEncoder Load(ModelReader reader, string prefix = DefaultPrefix)
    {
        var d = reader.ReadJson<Descriptor>(prefix + "kind.json");
        var loader = ComponentRegistry.EncoderLoader(d.Kind, d.Assembly);
        var encoder = loader.Load(new EncoderReader(reader, prefix, d.Kind, d.FormatVersion))
            ?? throw new InvalidDataException($"The loader of encoder kind '{d.Kind}' returned nothing.");
        if (encoder.Kind != d.Kind)
            throw new InvalidDataException($"The loader of encoder kind '{d.Kind}' returned an encoder of kind '{encoder.Kind}'.");
        return encoder;
    }

    /// <summary>Loads an encoder that must be of type <typeparamref name="T"/> (e.g. trainable), naming what was found otherwise.</summary>
    public static T Load<T>(ModelReader reader, string prefix = DefaultPrefix) where T : ContextualEncoder =>
        Load(reader, prefix) as T ?? throw new InvalidDataException(
            $"The saved model's encoder is not a {typeof(T).Name}; the zip is corrupt or was not written by this component.");
}
