using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetContextual;

#pragma warning disable IDE1006   // field names are state-dict keys

/// <summary>One prediction module of Cross-View Training: Linear (in → P), ReLU (unless <c>activate</c> is false, as
/// the reference's "full" auxiliary module), Linear (P → tags). (N, in) → (N, tags) logits.</summary>
internal sealed class CrossViewHead : nn.Module<Tensor, Tensor>
{
    private readonly Linear hidden;
    private readonly Linear output;
    private readonly bool _activate;

    public CrossViewHead(string name, int input, int hiddenDim, int tags, bool activate = true) : base(name)
    {
        hidden = nn.Linear(input, hiddenDim);
        output = nn.Linear(hiddenDim, tags);
        _activate = activate;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var h = hidden.forward(x);
        return output.forward(_activate ? nn.functional.relu(h) : h);
    }
}

/// <summary>
/// Cross-View Training for sequence tagging in TorchSharp (Clark et al. 2018, tensorflow/models research/cvt_text's
/// <c>Encoder</c> and <c>TaggingModule</c>): word embeddings <c>word_embed</c> (V, E) and a character CNN
/// (<c>char_embed</c>, <c>char_convs</c>: Conv1d per width, ReLU, max over characters) concatenated; a first biLSTM
/// <c>l1_fw</c>/<c>l1_bw</c> over them and a second <c>l2_fw</c>/<c>l2_bw</c> over the first's [h→; h←]; the primary
/// module <c>primary</c> over [h1→; h1←; h2→; h2←] (the reference feeds it both layers); and the auxiliary modules of
/// the first layer, which see restricted views: <c>aux_forwards</c> h1→_t, <c>aux_backwards</c> h1←_t,
/// <c>aux_future</c> h1→_{t−1}, <c>aux_past</c> h1←_{t+1}, and (as the reference code) <c>aux_full</c>, the full view
/// through a module without ReLU. Each sentence is read as &lt;start&gt; w_1 … w_n &lt;end&gt;. Padded batches need no
/// packing: the backward LSTMs read each row flipped within its length (as <see cref="CoveLstmModule"/>).
/// </summary>
internal sealed class CrossViewModule : nn.Module<Tensor, Tensor>, ITokenEncoderModule
{
    private const string AuxiliaryPrefix = "aux_";

    private readonly Embedding word_embed;
    private readonly Embedding char_embed;
    private readonly ModuleList<Conv1d> char_convs;
    private readonly LSTM l1_fw, l1_bw, l2_fw, l2_bw;
    private readonly CrossViewHead primary;
    private readonly CrossViewHead aux_full, aux_forwards, aux_backwards, aux_future, aux_past;
    private readonly CrossViewConfig _config;
    private readonly CrossViewVocabulary _vocabulary;

    public CrossViewModule(CrossViewConfig config, CrossViewVocabulary vocabulary, StaticEmbeddings pretrained = null) : base(nameof(CrossViewModule))
    {
        config.Validate();
        _config = config.Clone();
        _vocabulary = vocabulary;
        int e = config.WordEmbeddingDim, h1 = config.FirstLayerDim, h2 = config.SecondLayerDim, p = config.PredictionHiddenDim, k = vocabulary.TagCount;
        word_embed = nn.Embedding(vocabulary.WordCount, e, padding_idx: CrossViewVocabulary.PadId);
        char_embed = nn.Embedding(vocabulary.CharCount, config.CharEmbeddingDim, padding_idx: CrossViewVocabulary.CharPad);
        char_convs = new ModuleList<Conv1d>();
        foreach (int w in config.CharFilterWidths)
            char_convs.Add(nn.Conv1d(config.CharEmbeddingDim, config.CharFilters, w));
        l1_fw = nn.LSTM(config.TokenDim, h1, batchFirst: true);
        l1_bw = nn.LSTM(config.TokenDim, h1, batchFirst: true);
        l2_fw = nn.LSTM(2 * h1, h2, batchFirst: true);
        l2_bw = nn.LSTM(2 * h1, h2, batchFirst: true);
        primary = new CrossViewHead("primary", config.StateDim, p, k);
        aux_full = new CrossViewHead("aux_full", config.StateDim, p, k, activate: false);
        aux_forwards = new CrossViewHead("aux_forwards", h1, p, k);
        aux_backwards = new CrossViewHead("aux_backwards", h1, p, k);
        aux_future = new CrossViewHead("aux_future", h1, p, k);
        aux_past = new CrossViewHead("aux_past", h1, p, k);
        using (no_grad())
        {
            // Word vectors: N(0, 0.1) (the reference starts from GloVe, whose values are of that order), pretrained rows
            // copied in; <pad> stays zero.
            word_embed.weight!.normal_(0, 0.1);
            if (pretrained != null)
            {
                var rows = new float[vocabulary.WordCount * e];
                var current = word_embed.weight.data<float>().ToArray();
                for (int i = 0; i < vocabulary.WordCount; i++)
                {
                    int row = CrossViewEncoder.PretrainedRow(pretrained, vocabulary.Words[i]);
                    if (row >= 0 && i >= CrossViewVocabulary.SpecialCount)
                        pretrained.Row(row).CopyTo(rows.AsSpan(i * e, e));
                    else
                        current.AsSpan(i * e, e).CopyTo(rows.AsSpan(i * e, e));
                }
                using var t = tensor(rows, [vocabulary.WordCount, e]);
                word_embed.weight.copy_(t);
            }
            word_embed.weight[CrossViewVocabulary.PadId].zero_();
            char_embed.weight![CrossViewVocabulary.CharPad].zero_();
        }
        RegisterComponents();
    }

    public CrossViewConfig Config => _config;

    /// <summary>Whether a parameter belongs to an auxiliary module (trained on unlabelled data only; not saved).</summary>
    public static bool IsAuxiliary(string parameterName) => parameterName.StartsWith(AuxiliaryPrefix, StringComparison.Ordinal);

    /// <summary>The primary module's parameters.</summary>
    public IEnumerable<Parameter> PrimaryParameters() => primary.parameters();

    /// <summary>The auxiliary modules' parameters.</summary>
    public IEnumerable<Parameter> AuxiliaryParameters() =>
        new[] { aux_full, aux_forwards, aux_backwards, aux_future, aux_past }.SelectMany(m => m.parameters());

    /// <summary>The encoder's parameters (embeddings, character CNN, both biLSTMs).</summary>
    public IEnumerable<Parameter> EncoderParameters() => named_parameters()
        .Where(p => !IsAuxiliary(p.name) && !p.name.StartsWith("primary.", StringComparison.Ordinal)).Select(p => p.parameter);

    public int HiddenSize => _config.StateDim;
    public int LayerCount => 1;
    public nn.Module AsModule() => this;

    public override Tensor forward(Tensor input) => throw new NotSupportedException("Use Encode, Run or the losses.");

    /// <summary>What <see cref="Run"/> returns: the first layer's directions (B, T, H1) each, the states the primary reads
    /// (B, T, 2H1 + 2H2; zero at padding) and the (B, T) float mask.</summary>
    public sealed record Output(Tensor Forward1, Tensor Backward1, Tensor States, Tensor Mask);

    /// <summary>
    /// The encoder over a batch: <paramref name="words"/> (B, T) ids, <paramref name="chars"/> (B, T, MaxWordLength) ids,
    /// <paramref name="lengths"/> tokens per row (specials included); dropout <paramref name="dropout"/> on the word
    /// embeddings, the character features and each LSTM's outputs (the reference's keep_prob).
    /// </summary>
    public Output Run(Tensor words, Tensor chars, long[] lengths, double dropout)
    {
        using var scope = NewDisposeScope();
        long b = words.shape[0], t = words.shape[1], l = chars.shape[2];
        bool drop = dropout > 0;
        var x = nn.functional.dropout(word_embed.forward(words), dropout, drop);          // (B, T, E)
        var c = char_embed.forward(chars.view(b * t, l)).transpose(1, 2);                  // (BT, Ce, L)
        var parts = new List<Tensor> { x };
        foreach (var conv in char_convs)
        {
            var f = nn.functional.relu(conv.forward(c)).amax(2);                           // (BT, F)
            parts.Add(nn.functional.dropout(f, dropout, drop).view(b, t, -1));
        }
        var reprs = cat(parts, 2);                                                          // (B, T, D)
        var steps = arange(t, dtype: ScalarType.Int64).unsqueeze(0);
        var len = tensor(lengths).unsqueeze(1);
        var mask = steps.lt(len);
        var flip = where(mask, len.sub(1).sub(steps), steps);                               // reverse within the length
        var (fw1, bw1) = BiLstm(l1_fw, l1_bw, reprs, flip, dropout);
        var (fw2, bw2) = BiLstm(l2_fw, l2_bw, cat([fw1, bw1], 2), flip, dropout);
        var maskF = mask.to(ScalarType.Float32);
        var states = cat([fw1, bw1, fw2, bw2], 2).mul(maskF.unsqueeze(2));
        return new Output(fw1.MoveToOuterDisposeScope(), bw1.MoveToOuterDisposeScope(), states.MoveToOuterDisposeScope(), maskF.MoveToOuterDisposeScope());
    }

    private static (Tensor Fw, Tensor Bw) BiLstm(LSTM fw, LSTM bw, Tensor input, Tensor flip, double dropout)
    {
        long b = input.shape[0], t = input.shape[1];
        var (f, _, _) = fw.forward(input);
        var (r, _, _) = bw.forward(input.gather(1, flip.unsqueeze(2).expand(b, t, input.shape[2])));
        var back = r.gather(1, flip.unsqueeze(2).expand(b, t, r.shape[2]));
        bool drop = dropout > 0;
        return (nn.functional.dropout(f, dropout, drop), nn.functional.dropout(back, dropout, drop));
    }

    /// <summary>The primary module's (…, tags) logits over states (…, 2H1 + 2H2).</summary>
    public Tensor Primary(Tensor states) => primary.forward(states);

    /// <summary>
    /// The supervised loss: cross-entropy of the primary module at the word positions <paramref name="positions"/> (flat
    /// indices into B·T) against <paramref name="tags"/>, the targets smoothed as the reference
    /// ((1 − s)·onehot + s / K), averaged over the words.
    /// </summary>
    public Tensor SupervisedLoss(Output output, Tensor positions, Tensor tags, double smoothing)
    {
        long k = _vocabulary.TagCount;
        var logits = Flat(primary.forward(output.States)).index_select(0, positions);       // (N, K)
        var targets = nn.functional.one_hot(tags, k).to(ScalarType.Float32).mul(1 - smoothing).add(smoothing / k);
        return SoftCrossEntropy(logits, targets);
    }

    /// <summary>
    /// The teacher's distribution at the word positions: softmax of the primary module without dropout, computed without
    /// gradient, so the consistency loss never updates the primary module (the reference's <c>run_teacher</c>).
    /// </summary>
    public Tensor Teacher(Tensor words, Tensor chars, long[] lengths, Tensor positions)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var output = Run(words, chars, lengths, 0);
        var probs = nn.functional.softmax(Flat(primary.forward(output.States)).index_select(0, positions), 1);
        return probs.detach().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The consistency loss of the unlabelled minibatch: Σ over the auxiliary modules of the cross-entropy between the
    /// (fixed) <paramref name="teacher"/> distribution and the module's prediction from its restricted view (forwards
    /// h1→_t, backwards h1←_t, future h1→_{t−1}, past h1←_{t+1}, full: all states), each averaged over the words.
    /// </summary>
    public Tensor ConsistencyLoss(Output output, Tensor positions, Tensor teacher, bool includeFull)
    {
        var fw = Flat(output.Forward1);
        var bw = Flat(output.Backward1);
        var loss = SoftCrossEntropy(aux_forwards.forward(fw.index_select(0, positions)), teacher)
            .add(SoftCrossEntropy(aux_backwards.forward(bw.index_select(0, positions)), teacher))
            .add(SoftCrossEntropy(aux_future.forward(fw.index_select(0, positions.sub(1))), teacher))
            .add(SoftCrossEntropy(aux_past.forward(bw.index_select(0, positions.add(1))), teacher));
        if (includeFull)
            loss = loss.add(SoftCrossEntropy(aux_full.forward(Flat(output.States).index_select(0, positions)), teacher));
        return loss;
    }

    private static Tensor Flat(Tensor x) => x.reshape(-1, x.shape[2]);

    private static Tensor SoftCrossEntropy(Tensor logits, Tensor targets) =>
        nn.functional.log_softmax(logits, 1).mul(targets).sum(1).mean().neg();

    /// <summary>(B, T) word ids, (B, T, L) character ids, the lengths, and the flat indices of the words (not the
    /// specials) for encoded sentences.</summary>
    public (Tensor Words, Tensor Chars, long[] Lengths, Tensor Positions) Inputs(IReadOnlyList<CrossViewSentence> rows)
    {
        int b = rows.Count, t = rows.Max(r => r.Words.Length), l = _config.MaxWordLength;
        var words = new long[b * t];
        var chars = new long[b * t * l];
        var lengths = new long[b];
        var positions = new List<long>();
        for (int r = 0; r < b; r++)
        {
            var s = rows[r];
            int n = s.Words.Length;
            lengths[r] = n;
            for (int i = 0; i < n; i++)
                words[r * t + i] = s.Words[i];
            for (int i = 0; i < n * l; i++)
                chars[(long)r * t * l + i] = s.Chars[i];
            for (int i = 1; i < n - 1; i++)
                positions.Add((long)r * t + i);
        }
        return (tensor(words, [b, t]), tensor(chars, [b, t, l]), lengths, tensor(positions.ToArray()));
    }

    /// <inheritdoc />
    public EncoderOutput Encode(IReadOnlyList<EncodedText> batch)
    {
        using var scope = NewDisposeScope();
        var rows = batch.Select(e => CrossViewSentence.From(e, _vocabulary, _config.MaxWordLength)).ToArray();
        var (words, chars, lengths, _) = Inputs(rows);
        var output = Run(words, chars, lengths, 0);
        return new EncoderOutput([output.States.MoveToOuterDisposeScope()], output.Mask.MoveToOuterDisposeScope(), null);
    }
}
#pragma warning restore IDE1006

/// <summary>A sentence as the model reads it: word ids and character ids (<see cref="CrossViewConfig.MaxWordLength"/>
/// per token) of &lt;start&gt; w_1 … w_n &lt;end&gt;, and for labelled sentences the n tag ids.</summary>
internal sealed record CrossViewSentence(int[] Words, int[] Chars, int[] Tags)
{
    /// <summary>The sentence of <paramref name="tokens"/> (no specials), with <paramref name="tags"/> ids or null.</summary>
    public static CrossViewSentence Of(IReadOnlyList<string> tokens, CrossViewVocabulary v, int maxWordLength, int[] tags = null)
    {
        int n = tokens.Count + 2;
        var words = new int[n];
        var chars = new int[n * maxWordLength];
        words[0] = CrossViewVocabulary.StartId;
        CrossViewVocabulary.SpecialCharIds(true, maxWordLength, chars);
        for (int i = 0; i < tokens.Count; i++)
        {
            words[i + 1] = v.WordId(tokens[i] ?? "");
            v.CharIds(tokens[i] ?? "", maxWordLength, chars.AsSpan((i + 1) * maxWordLength, maxWordLength));
        }
        words[n - 1] = CrossViewVocabulary.EndId;
        CrossViewVocabulary.SpecialCharIds(false, maxWordLength, chars.AsSpan((n - 1) * maxWordLength));
        return new CrossViewSentence(words, chars, tags);
    }

    /// <summary>The sentence of an encoded text (its first and last tokens are &lt;start&gt; and &lt;end&gt;).</summary>
    public static CrossViewSentence From(EncodedText e, CrossViewVocabulary v, int maxWordLength) =>
        Of(e.Tokens[1..^1], v, maxWordLength);
}
