using MLNetContextual.Torch;
using TorchSharp;

namespace MLNetContextual;

/// <summary>
/// The parts of a fine-tuned model saved into the ML.NET zip beside the transformer's settings: the encoder
/// configuration (<c>{prefix}.config.json</c>), the WordPiece vocabulary (<c>{prefix}.vocab.txt</c>) and the state dict
/// in TorchSharp's format (<c>{prefix}.weights.bin</c>).
/// </summary>
internal static class TaskModelFiles
{
    public static void Save(ModelWriter writer, string prefix, BertConfig config, byte[] vocabulary, torch.nn.Module weights)
    {
        writer.WriteBlob(prefix + ".config.json", w => w.Write(System.Text.Encoding.UTF8.GetBytes(config.ToJson())));
        writer.WriteBlob(prefix + ".vocab.txt", w => w.Write(vocabulary));
        writer.WriteBlob(prefix + ".weights.bin", w => TorchState.Write(weights, w));
    }

    public static (BertConfig Config, byte[] Vocabulary) LoadConfig(ModelReader reader, string prefix)
    {
        BertConfig config = null;
        byte[] vocabulary = null;
        reader.ReadBlob(prefix + ".config.json", r => config = BertConfig.FromJson(System.Text.Encoding.UTF8.GetString(ReadToEnd(r.BaseStream))));
        reader.ReadBlob(prefix + ".vocab.txt", r => vocabulary = ReadToEnd(r.BaseStream));
        return (config ?? throw new InvalidDataException($"The saved model's {prefix}.config.json is empty."), vocabulary);
    }

    public static void LoadWeights(ModelReader reader, string prefix, torch.nn.Module module) =>
        reader.ReadBlob(prefix + ".weights.bin", r => TorchState.Read(module, r));

    public static BertTextTokenizer Tokenizer(byte[] vocabulary, bool lowerCase)
    {
        using var s = new MemoryStream(vocabulary, writable: false);
        return BertTextTokenizer.Load(s, lowerCase);
    }

    /// <summary>The tokenizer of a vocabulary read from zip entry <paramref name="entry"/>; a file that is not a WordPiece
    /// vocabulary gets an <see cref="InvalidDataException"/> naming the entry and the component.</summary>
    public static BertTextTokenizer Tokenizer(byte[] vocabulary, bool lowerCase, string entry, string component)
    {
        try
        {
            return Tokenizer(vocabulary, lowerCase);
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new InvalidDataException($"'{entry}' of {component} is not a WordPiece vocabulary: {e.Message}", e);
        }
    }

    private static byte[] ReadToEnd(Stream s)
    {
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }
}
