using System.Text.Json;
using MLNetContextual.Torch;

[assembly: MLNetContextual.ContextualEncoderLoader(MLNetContextual.ElmoEncoder.KindId, typeof(MLNetContextual.ElmoEncoder.Loader))]

namespace MLNetContextual;

/// <summary>
/// ELMo (Peters et al. 2018): a character-aware bidirectional LSTM language model whose layers are mixed by the
/// transforms and trainers (<see cref="LayerSelection"/>, the classifier's learned scalar mix). Layer 0 is the character
/// CNN's token vector counted as [x; x], layers 1…L the biLSTM's [forward; backward] outputs; every layer has
/// 2 × projection_dim values. Load published bilm-tf/AllenNLP weights with <see cref="FromFiles"/>, pre-train your own with
/// <c>LearnElmo</c>, and write either back in the published format with <see cref="SavePublished"/>. A description: the
/// weights are held as the published files' bytes and a model is built from them when a transform opens a session.
/// </summary>
/// <remarks>Sessions run stateless (each text from zero LSTM states, so a row's vectors do not depend on the rows run
/// with it); <see cref="CreateRunner"/> gives bilm-tf's stateful mode.</remarks>
public sealed class ElmoEncoder : TrainableTokenEncoder
{
    internal const string KindId = "elmo";
    internal const string WeightsBlob = "lm_weights.hdf5";

    private readonly byte[] _weights;      // the published HDF5 bytes

    private ElmoEncoder(string name, ElmoConfig config, byte[] weights, bool whitespaceOnly)
    {
        config.Validate();
        Name = name;
        Config = config.Clone();
        _weights = weights;
        WhitespaceOnly = whitespaceOnly;
    }

    /// <inheritdoc />
    public override string Kind => KindId;

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override EncoderCapabilities Capabilities => EncoderCapabilities.TokenVectors;

    /// <summary>The model's shape (its <c>options.json</c>).</summary>
    public ElmoConfig Config { get; }

    /// <summary>Length of every layer's token vector: 2 × projection_dim.</summary>
    public int Dimension => 2 * Config.ProjectionDim;

    /// <summary>Hidden states per token: LSTM layers + 1 (the character CNN, as [x; x]).</summary>
    public int LayerCount => Config.LstmLayers + 1;

    /// <summary>Whether tokens are white-space-separated strings as they are (pre-tokenized text), instead of words split
    /// from punctuation (see <see cref="ElmoTokenizer"/>).</summary>
    public bool WhitespaceOnly { get; }

    /// <summary>
    /// Published ELMo weights: bilm-tf's/AllenNLP's <c>options.json</c> and HDF5 weight file (e.g.
    /// <c>elmo_2x4096_512_2048cnn_2xhighway_options.json</c> and <c>…_weights.hdf5</c>). The files are checked now: every
    /// dataset <c>options.json</c> implies must be present with its shape.
    /// </summary>
    /// <param name="optionsPath">The <c>options.json</c>.</param>
    /// <param name="weightsPath">The HDF5 weights.</param>
    /// <param name="whitespaceOnly">Split text on white space only (pre-tokenized text), see <see cref="WhitespaceOnly"/>.</param>
    public static ElmoEncoder FromFiles(string optionsPath, string weightsPath, bool whitespaceOnly = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(optionsPath);
        ArgumentException.ThrowIfNullOrEmpty(weightsPath);
        if (!File.Exists(optionsPath))
            throw new FileNotFoundException($"ELMo options file '{optionsPath}' does not exist.", optionsPath);
        if (!File.Exists(weightsPath))
            throw new FileNotFoundException($"ELMo weight file '{weightsPath}' does not exist.", weightsPath);
        var config = ElmoConfig.FromJson(File.ReadAllText(optionsPath));
        try
        {
            config.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"{Path.GetFileName(optionsPath)}: {e.Message}", e);
        }
        var bytes = File.ReadAllBytes(weightsPath);
        var encoder = new ElmoEncoder(Path.GetFileNameWithoutExtension(weightsPath), config, bytes, whitespaceOnly);
        encoder.CreateModule().Dispose();     // check the file against options.json now, not at the first transform
        return encoder;
    }

    /// <summary>An untrained model of shape <paramref name="config"/>: bilm-tf's initialisation drawn now from TorchSharp's
    /// global generator (<c>torch.manual_seed</c> fixes it), then fixed, so every session and every save has the same weights.</summary>
    public static ElmoEncoder Untrained(ElmoConfig config, bool whitespaceOnly = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        TorchRuntime.EnsureLoaded();
        using var model = new ElmoBiLm(config);
        return FromModel("elmo-untrained", model, whitespaceOnly);
    }

    /// <summary>The encoder of a trained <paramref name="model"/>.</summary>
    internal static ElmoEncoder FromModel(string name, ElmoBiLm model, bool whitespaceOnly)
    {
        using var m = new MemoryStream();
        ElmoWeights.Write(model, m);
        return new ElmoEncoder(name, model.Config, m.ToArray(), whitespaceOnly);
    }

    /// <summary>Writes the model in the published format: <c>options.json</c> and <c>lm_weights.hdf5</c> in
    /// <paramref name="folder"/> (created if needed), readable by bilm-tf and AllenNLP (and <see cref="FromFiles"/>).</summary>
    public void SavePublished(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "options.json"), Config.ToJson());
        File.WriteAllBytes(Path.Combine(folder, WeightsBlob), WeightBytes());
    }

    /// <summary>A runner over whole sentences with bilm-tf's optional stateful mode (see <see cref="ElmoRunner"/>).</summary>
    /// <param name="stateful">Carry LSTM states from batch to batch per row, as bilm-tf does.</param>
    /// <param name="threads">TorchSharp threads during each run (restored after it); null: min(processors, 4); on a busy machine 1 can be many times faster.</param>
    public ElmoRunner CreateRunner(bool stateful = false, int? threads = null) => new(this, stateful, threads);

    /// <inheritdoc />
    public override ITextTokenizer CreateTokenizer() => new ElmoTokenizer(WhitespaceOnly);

    /// <inheritdoc />
    public override ITokenEncoderModule CreateModule() => CreateBiLm();

    internal ElmoBiLm CreateBiLm()
    {
        TorchRuntime.EnsureLoaded();
        using var s = new MemoryStream(_weights, writable: false);
        return ElmoWeights.Read(s, Config, Name + " weights (HDF5)");
    }

    private byte[] WeightBytes() => _weights;

    /// <inheritdoc />
    public override TrainableTokenEncoder WithWeights(ITokenEncoderModule module)
    {
        if (module is not ElmoBiLm bilm)
            throw new ArgumentException($"An ElmoEncoder takes the weights of an ELMo biLM, not of {module?.GetType().Name ?? "null"}.", nameof(module));
        return FromModel(Name, bilm, WhitespaceOnly);
    }

    internal sealed record SavedConfig(string Name, bool WhitespaceOnly, JsonElement Options);

    /// <inheritdoc />
    protected internal override void Save(EncoderWriter writer)
    {
        writer.WriteConfig(new SavedConfig(Name, WhitespaceOnly, JsonDocument.Parse(Config.ToJson()).RootElement));
        writer.WriteBlob(WeightsBlob, WeightBytes());
    }

    /// <summary>Reads <see cref="ElmoEncoder"/>s back from zips: the config and the published HDF5 weights.</summary>
    public sealed class Loader : IContextualEncoderLoader
    {
        /// <inheritdoc />
        public ContextualEncoder Load(EncoderReader reader)
        {
            reader.RequireFormatVersion(1, 1);
            var c = reader.ReadConfig<SavedConfig>();
            var config = ElmoConfig.FromJson(c.Options.GetRawText());
            return new ElmoEncoder(c.Name, config, reader.ReadBlob(WeightsBlob), c.WhitespaceOnly);
        }
    }
}
