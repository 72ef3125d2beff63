using MLNetContextual.Torch;
using MLNetContextual.Torch.Import;

[assembly: MLNetContextual.ContextualEncoderLoader(MLNetContextual.CoveEncoder.KindId, typeof(MLNetContextual.CoveEncoder.Loader))]

namespace MLNetContextual;

/// <summary>
/// CoVe (McCann et al. 2017, "Learned in Translation: Contextualized Word Vectors"): the encoder of an attentional
/// English→German translation model, an L-layer bidirectional LSTM (published: 2 layers, 300 units per direction) over
/// frozen GloVe vectors. Load the published <c>wmtlstm-*.pth</c> with <see cref="FromPyTorch"/>, or train your own with
/// <c>ml.Transforms.Text.LearnCove</c>. Applied by every transform of the encoder seam and run in plain managed code (no
/// libtorch at prediction); the trainers that fine-tune or mix token encoders get it as a TorchSharp module.
/// </summary>
/// <remarks>
/// <para>Layers (the seam mixes layers; it cannot concatenate them, so the paper's concatenation is built into each
/// layer): with <see cref="IncludeGlove"/> (the default; the paper's downstream input [GloVe(w); CoVe(w)] and the
/// reference's <c>residual_embeddings=True</c>) there are L + 1 layers of d + 2H values: layer 0 is [GloVe(w); 0],
/// layer l is [GloVe(w); h_l(w)], so the last layer (<see cref="LayerSelection.Last"/>) is [GloVe(w); CoVe(w)] and layer 0
/// is GloVe alone (zero-padded). Without it there are L layers of 2H values, h_1 … h_L (h_L is the reference's default
/// output; h_1 is what its <c>layer0=True</c> adds). <see cref="WithLayout"/> with <c>concatenateLayers</c> gives the
/// reference's concatenation instead: one layer [GloVe; h_1; …; h_L].</para>
/// <para>Words are looked up in GloVe (lower-cased with <see cref="LowerCase"/>); words GloVe lacks get its zero vector,
/// as the reference recommends. The GloVe table given is saved in the zip with the LSTM: pass only the words you need
/// (the 840B table has 2.2M × 300 floats).</para>
/// </remarks>
public sealed class CoveEncoder : TrainableTokenEncoder
{
    internal const string KindId = "cove";
    private const string WeightsBlob = "mtlstm.bin", GloveBlob = "glove.bin";

    private CoveForward _forward;

    internal CoveEncoder(string name, StaticEmbeddings glove, CoveWeights weights, bool lowerCase, bool includeGlove, bool concatenateLayers = false)
    {
        ArgumentNullException.ThrowIfNull(glove);
        if (glove.Dimension != weights.InputSize)
            throw new ArgumentException($"The GloVe vectors have {glove.Dimension} dimensions; the MT-LSTM's first layer reads {weights.InputSize} inputs. Use GloVe vectors of the size it was trained with.", nameof(glove));
        Name = name;
        Glove = glove;
        Weights = weights;
        LowerCase = lowerCase;
        IncludeGlove = includeGlove;
        ConcatenateLayers = concatenateLayers;
        Tokenizer = new CoveTokenizer(glove, lowerCase);
    }

    /// <inheritdoc />
    public override string Kind => KindId;

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override EncoderCapabilities Capabilities => EncoderCapabilities.TokenVectors;

    /// <summary>The frozen word vectors the MT-LSTM reads.</summary>
    public StaticEmbeddings Glove { get; }

    /// <summary>Whether words are looked up lower-cased (GloVe 6B is lower-case; the reference lower-cases).</summary>
    public bool LowerCase { get; }

    /// <summary>Whether every layer starts with the word's GloVe vector ([GloVe; h_l]); see the remarks.</summary>
    public bool IncludeGlove { get; }

    /// <summary>Whether the encoder has one layer holding everything side by side, [GloVe(w); h_1(w); …; h_L(w)] (GloVe
    /// only with <see cref="IncludeGlove"/>): the reference's <c>MTLSTM(layer0=True, residual_embeddings=…)</c> output.</summary>
    public bool ConcatenateLayers { get; }

    /// <summary>Units per direction (H; published: 300).</summary>
    public int HiddenSize => Weights.HiddenSize;

    /// <summary>biLSTM layers (published: 2).</summary>
    public int LstmLayers => Weights.Layers;

    /// <summary>Values per token and layer: d + 2H with <see cref="IncludeGlove"/>, else 2H; with
    /// <see cref="ConcatenateLayers"/> (d if <see cref="IncludeGlove"/>) + L × 2H.</summary>
    public int Dimension => ConcatenateLayers ? (IncludeGlove ? Glove.Dimension : 0) + LstmLayers * 2 * HiddenSize
        : IncludeGlove ? Glove.Dimension + 2 * HiddenSize : 2 * HiddenSize;

    /// <summary>Layers per token: L + 1 with <see cref="IncludeGlove"/> (layer 0: GloVe), else L; 1 with <see cref="ConcatenateLayers"/>.</summary>
    public int LayerCount => ConcatenateLayers ? 1 : IncludeGlove ? LstmLayers + 1 : LstmLayers;

    internal CoveWeights Weights { get; }
    internal CoveTokenizer Tokenizer { get; }
    internal CoveForward Forward => _forward ??= new CoveForward(Weights);

    /// <summary>
    /// The published CoVe encoder: the state dict of <c>nn.LSTM(d, H, num_layers=L, bidirectional=True)</c> saved by
    /// <c>torch.save</c> (salesforce/cove's <c>wmtlstm-8f474287.pth</c>: d = H = 300, L = 2) and the GloVe vectors it was
    /// trained with (840B, 300-d), read with <see cref="StaticEmbeddings.Load(string, StaticEmbeddingsFormat)"/>. H and L
    /// are read from the file; every key and shape is checked (errors name the key, the expected and the found shape).
    /// </summary>
    /// <param name="wmtlstmPath">The .pth file (a torch.save zip, PyTorch 1.6 or later; re-save older pickles with
    /// <c>torch.save(torch.load(p), p2)</c>).</param>
    /// <param name="glove">The word vectors; their dimension must be the LSTM's input size.</param>
    /// <param name="lowerCase">Look words up lower-cased.</param>
    /// <param name="includeGlove">Start every layer with the GloVe vector (the paper's [GloVe; CoVe]); see the remarks.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a readable state dict of that shape.</exception>
    /// <exception cref="ArgumentException">The GloVe dimension is not the LSTM's input size.</exception>
    public static CoveEncoder FromPyTorch(string wmtlstmPath, StaticEmbeddings glove, bool lowerCase = true, bool includeGlove = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(wmtlstmPath);
        ArgumentNullException.ThrowIfNull(glove);
        if (!File.Exists(wmtlstmPath))
            throw new FileNotFoundException($"CoVe weight file '{wmtlstmPath}' does not exist.", wmtlstmPath);
        var dict = HuggingFaceCheckpoint.ReadPickle(wmtlstmPath);
        string source = $"'{wmtlstmPath}'";
        if (!dict.TryGetValue("weight_hh_l0", out var hh) || hh.Shape.Length != 2 || hh.Shape[0] != 4 * hh.Shape[1])
            throw new InvalidDataException($"{source} has no 'weight_hh_l0' of shape [4H, H] (found {(hh == null ? "none" : hh.ShapeText)}); expected the state dict of nn.LSTM(..., bidirectional=True).");
        if (!dict.TryGetValue("weight_ih_l0", out var ih) || ih.Shape.Length != 2)
            throw new InvalidDataException($"{source} has no 'weight_ih_l0' of shape [4H, d] (found {(ih == null ? "none" : ih.ShapeText)}).");
        int hidden = (int)hh.Shape[1];
        if (ih.Shape[1] != glove.Dimension)
            throw new ArgumentException(
                $"The GloVe vectors have {glove.Dimension} dimensions; 'weight_ih_l0' of {source} has shape {ih.ShapeText}, so the MT-LSTM reads {ih.Shape[1]} inputs. Use the GloVe vectors it was trained with.", nameof(glove));
        int layers = 0;
        while (dict.ContainsKey($"weight_ih_l{layers}"))
            layers++;
        var weights = CoveWeights.FromStateDict(dict, glove.Dimension, hidden, layers, source);
        return new CoveEncoder(Path.GetFileNameWithoutExtension(wmtlstmPath), glove, weights, lowerCase, includeGlove);
    }

    /// <summary>This encoder with <see cref="IncludeGlove"/> set to <paramref name="include"/>.</summary>
    public CoveEncoder WithGlove(bool include) => WithLayout(include, ConcatenateLayers);

    /// <summary>This encoder with another layout of its token vectors: <paramref name="includeGlove"/> as
    /// <see cref="IncludeGlove"/>, <paramref name="concatenateLayers"/> as <see cref="ConcatenateLayers"/> (true, true: the
    /// reference's [GloVe; h_1; h_2], d + 4H values in one layer).</summary>
    public CoveEncoder WithLayout(bool includeGlove, bool concatenateLayers) =>
        includeGlove == IncludeGlove && concatenateLayers == ConcatenateLayers ? this
            : new(Name, Glove, Weights, LowerCase, includeGlove, concatenateLayers);

    /// <summary>Writes the LSTM's state dict as <c>torch.save</c> does (keys of <c>nn.LSTM(d, H, L, bidirectional=True)</c>),
    /// readable by PyTorch, salesforce/cove's <c>MTLSTM</c> and <see cref="FromPyTorch"/>.</summary>
    public void SavePyTorch(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        TorchRuntime.EnsureLoaded();
        using var lstm = TorchSharp.torch.nn.LSTM(Glove.Dimension, HiddenSize, LstmLayers, bidirectional: true);
        using (TorchSharp.torch.no_grad())
            foreach (var (name, p) in lstm.named_parameters())
            {
                using var src = TorchSharp.torch.tensor(Weights[name], p.shape);
                p.copy_(src);
            }
        TorchSharp.PyBridge.PyBridgeModuleExtensions.save_py(lstm, path);
    }

    /// <inheritdoc />
    public override IEncoderSession Open(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(this);
        return new CoveSession(this, options);
    }

    /// <inheritdoc />
    public override ITextTokenizer CreateTokenizer() => Tokenizer;

    /// <inheritdoc />
    public override ITokenEncoderModule CreateModule() => CreateLstm(0);

    internal CoveLstmModule CreateLstm(double dropout)
    {
        TorchRuntime.EnsureLoaded();
        var m = new CoveLstmModule(Glove, HiddenSize, LstmLayers, IncludeGlove, dropout, ConcatenateLayers);
        m.Load(Weights);
        m.eval();
        return m;
    }

    /// <inheritdoc />
    public override TrainableTokenEncoder WithWeights(ITokenEncoderModule module)
    {
        if (module is not CoveLstmModule lstm)
            throw new ArgumentException($"A CoveEncoder takes the weights of a CoVe MT-LSTM, not of {module?.GetType().Name ?? "null"}.", nameof(module));
        return new CoveEncoder(Name, Glove, lstm.ToWeights(Name), LowerCase, IncludeGlove, ConcatenateLayers);
    }

    internal sealed record Config(string Name, int InputSize, int HiddenSize, int Layers, bool LowerCase, bool IncludeGlove, int GloveWords, bool ConcatenateLayers = false);

    /// <inheritdoc />
    protected internal override void Save(EncoderWriter writer)
    {
        writer.WriteConfig(new Config(Name, Glove.Dimension, HiddenSize, LstmLayers, LowerCase, IncludeGlove, Glove.Count, ConcatenateLayers));
        writer.WriteBlob(WeightsBlob, Weights.Write);
        writer.WriteBlob(GloveBlob, s =>
        {
            using var w = new BinaryWriter(s, System.Text.Encoding.UTF8, leaveOpen: true);
            StaticEmbeddingsBlob.Write(w, Glove);
        });
    }

    /// <summary>Reads <see cref="CoveEncoder"/>s back from zips: the config, the LSTM weights and the GloVe table.</summary>
    public sealed class Loader : IContextualEncoderLoader
    {
        /// <inheritdoc />
        public ContextualEncoder Load(EncoderReader reader)
        {
            ArgumentNullException.ThrowIfNull(reader);
            reader.RequireFormatVersion(1, 1);
            var c = reader.ReadConfig<Config>();
            if (c.InputSize < 1 || c.HiddenSize < 1 || c.Layers < 1)
                throw new InvalidDataException($"Encoder '{c.Name}' ({KindId}): its config has sizes {c.InputSize}, {c.HiddenSize}, {c.Layers}; each must be at least 1.");
            StaticEmbeddings glove;
            using (var s = reader.OpenBlob(GloveBlob))
                glove = StaticEmbeddingsBlob.Read(s, $"{KindId} encoder '{c.Name}' {GloveBlob}");
            if (glove.Count != c.GloveWords || glove.Dimension != c.InputSize)
                throw new InvalidDataException($"Encoder '{c.Name}' ({KindId}): {GloveBlob} holds {glove.Count} × {glove.Dimension} vectors; its config says {c.GloveWords} × {c.InputSize}.");
            var weights = CoveWeights.Read(reader.ReadBlob(WeightsBlob), c.InputSize, c.HiddenSize, c.Layers, $"{KindId} encoder '{c.Name}' {WeightsBlob}");
            return new CoveEncoder(c.Name, glove, weights, c.LowerCase, c.IncludeGlove, c.ConcatenateLayers);
        }
    }
}
