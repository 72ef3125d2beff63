[assembly: MLNetContextual.ContextualEncoderLoader(MLNetContextual.Tests.Seam.CharacterHistogramEncoder.KindId,
    typeof(MLNetContextual.Tests.Seam.CharacterHistogramEncoder.Loader))]

namespace MLNetContextual.Tests.Seam;

/// <summary>
/// A sentence-only encoder written as another package would write one (public seam only, its loader registered by this
/// test assembly): the relative frequencies of the letters of an alphabet in the text, optionally scaled.
/// </summary>
public sealed class CharacterHistogramEncoder(string alphabet, float scale = 1f) : ContextualEncoder
{
    public const string KindId = "test-character-histogram";

    public string Alphabet { get; } = alphabet;
    public float Scale { get; } = scale;

    public override string Kind => KindId;
    public override string Name => $"histogram of '{Alphabet}'";
    public override EncoderCapabilities Capabilities => EncoderCapabilities.SentenceVectors;
    public override int FormatVersion => 2;

    public override IEncoderSession Open(EncoderOptions options) => new Session(this);

    public sealed record Config(string Alphabet, float Scale);

    // "protected internal" only because this test assembly sees the library's internals; another package writes "protected".
    protected internal override void Save(EncoderWriter writer)
    {
        writer.WriteConfig(new Config(Alphabet, Scale));
        writer.WriteBlob("alphabet.txt", System.Text.Encoding.UTF8.GetBytes(Alphabet));
    }

    public sealed class Loader : IContextualEncoderLoader
    {
        public ContextualEncoder Load(EncoderReader reader)
        {
            reader.RequireFormatVersion(1, 2);
            var c = reader.ReadConfig<Config>();
            Assert.Equal(c.Alphabet, System.Text.Encoding.UTF8.GetString(reader.ReadBlob("alphabet.txt")));
            return new CharacterHistogramEncoder(c.Alphabet, c.Scale);
        }
    }

    private sealed class Session(CharacterHistogramEncoder encoder) : ISentenceEncoder
    {
        public ContextualEncoder Encoder => encoder;
        public int Dimension => encoder.Alphabet.Length;

        public void EmbedSentences(ReadOnlySpan<string> texts, Span<float[]> vectors)
        {
            for (int i = 0; i < texts.Length; i++)
            {
                var v = new float[Dimension];
                string text = (texts[i] ?? string.Empty).ToLowerInvariant();
                foreach (char c in text)
                {
                    int k = encoder.Alphabet.IndexOf(c);
                    if (k >= 0)
                        v[k] += encoder.Scale / Math.Max(1, text.Length);
                }
                vectors[i] = v;
            }
        }

        public void Dispose() { }
    }
}
