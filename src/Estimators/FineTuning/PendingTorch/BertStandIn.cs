// TEMPORARY STAND-IN, deleted when branch `torch` (src/Estimators/Torch: BertConfig, BertModel, BertWeights) is merged.
// Same public shape as announced there, so the fine-tuning code compiles and its tests run before that lands.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetContextual.Torch;

public sealed class BertConfig
{
    public int VocabSize { get; set; } = 30522;
    public int HiddenSize { get; set; } = 768;
    public int NumHiddenLayers { get; set; } = 12;
    public int NumAttentionHeads { get; set; } = 12;
    public int IntermediateSize { get; set; } = 3072;
    public int MaxPositionEmbeddings { get; set; } = 512;
    public int TypeVocabSize { get; set; } = 2;
    public double LayerNormEps { get; set; } = 1e-12;
    public double HiddenDropoutProb { get; set; } = 0.1;
    public double AttentionProbsDropoutProb { get; set; } = 0.1;
}

#pragma warning disable IDE1006 // state-dict names follow Hugging Face
public sealed class BertModel : nn.Module<Tensor, Tensor, Tensor, (Tensor LastHiddenState, Tensor Pooled)>
{
    private readonly Embeddings embeddings;
    private readonly Encoder encoder;
    private readonly Pooler pooler;

    public BertModel(BertConfig config) : base(nameof(BertModel))
    {
        Config = config;
        embeddings = new Embeddings(config);
        encoder = new Encoder(config);
        pooler = new Pooler(config);
        RegisterComponents();
        InitWeights(this);
    }

    public BertConfig Config { get; }

    private static void InitWeights(nn.Module module)
    {
        foreach (var (name, p) in module.named_parameters())
        {
            using var _ = no_grad();
            if (name.EndsWith("LayerNorm.weight")) p.fill_(1);
            else if (name.EndsWith("bias")) p.zero_();
            else nn.init.normal_(p, 0, 0.02);
        }
    }

    public override (Tensor LastHiddenState, Tensor Pooled) forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        var h = embeddings.forward(inputIds, tokenTypeIds);
        var mask = (1 - attentionMask.unsqueeze(1).unsqueeze(2).to_type(ScalarType.Float32)) * -10000f;   // (B,1,1,T)
        h = encoder.forward(h, mask);
        var pooled = pooler.forward(h);
        return (h.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope());
    }

    private sealed class Embeddings : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly Embedding word_embeddings, position_embeddings, token_type_embeddings;
        private readonly LayerNorm LayerNorm;
        private readonly Dropout dropout;

        public Embeddings(BertConfig c) : base("embeddings")
        {
            word_embeddings = nn.Embedding(c.VocabSize, c.HiddenSize);
            position_embeddings = nn.Embedding(c.MaxPositionEmbeddings, c.HiddenSize);
            token_type_embeddings = nn.Embedding(c.TypeVocabSize, c.HiddenSize);
            LayerNorm = nn.LayerNorm(c.HiddenSize, c.LayerNormEps);
            dropout = nn.Dropout(c.HiddenDropoutProb);
            RegisterComponents();
        }

        public override Tensor forward(Tensor ids, Tensor types)
        {
            using var positions = arange(ids.shape[1], dtype: ScalarType.Int64).unsqueeze(0);
            return dropout.forward(LayerNorm.forward(word_embeddings.forward(ids) + position_embeddings.forward(positions) + token_type_embeddings.forward(types)));
        }
    }

    private sealed class Encoder : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly ModuleList<Layer> layer;

        public Encoder(BertConfig c) : base("encoder")
        {
            layer = new ModuleList<Layer>(Enumerable.Range(0, c.NumHiddenLayers).Select(_ => new Layer(c)).ToArray());
            RegisterComponents();
        }

        public override Tensor forward(Tensor h, Tensor mask)
        {
            foreach (var l in layer)
                h = l.forward(h, mask);
            return h;
        }
    }

    private sealed class Layer : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly Attention attention;
        private readonly Intermediate intermediate;
        private readonly Output output;

        public Layer(BertConfig c) : base("layer")
        {
            attention = new Attention(c);
            intermediate = new Intermediate(c);
            output = new Output(c, c.IntermediateSize);
            RegisterComponents();
        }

        public override Tensor forward(Tensor h, Tensor mask)
        {
            var a = attention.forward(h, mask);
            return output.forward(intermediate.forward(a), a);
        }
    }

    private sealed class Attention : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly SelfAttention self;
        private readonly Output output;

        public Attention(BertConfig c) : base("attention")
        {
            self = new SelfAttention(c);
            output = new Output(c, c.HiddenSize);
            RegisterComponents();
        }

        public override Tensor forward(Tensor h, Tensor mask) => output.forward(self.forward(h, mask), h);
    }

    private sealed class SelfAttention : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly Linear query, key, value;
        private readonly Dropout dropout;
        private readonly int heads, headSize;

        public SelfAttention(BertConfig c) : base("self")
        {
            heads = c.NumAttentionHeads;
            headSize = c.HiddenSize / c.NumAttentionHeads;
            query = nn.Linear(c.HiddenSize, c.HiddenSize);
            key = nn.Linear(c.HiddenSize, c.HiddenSize);
            value = nn.Linear(c.HiddenSize, c.HiddenSize);
            dropout = nn.Dropout(c.AttentionProbsDropoutProb);
            RegisterComponents();
        }

        public override Tensor forward(Tensor h, Tensor mask)
        {
            long b = h.shape[0], t = h.shape[1];
            Tensor Split(Tensor x) => x.view(b, t, heads, headSize).transpose(1, 2);   // (B, nh, T, hs)
            var q = Split(query.forward(h));
            var k = Split(key.forward(h));
            var v = Split(value.forward(h));
            var scores = q.matmul(k.transpose(-1, -2)) / Math.Sqrt(headSize) + mask;
            var probs = dropout.forward(scores.softmax(-1));
            return probs.matmul(v).transpose(1, 2).contiguous().view(b, t, heads * headSize);
        }
    }

    private sealed class Intermediate : nn.Module<Tensor, Tensor>
    {
        private readonly Linear dense;

        public Intermediate(BertConfig c) : base("intermediate")
        {
            dense = nn.Linear(c.HiddenSize, c.IntermediateSize);
            RegisterComponents();
        }

        public override Tensor forward(Tensor h) => nn.functional.gelu(dense.forward(h));
    }

    private sealed class Output : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly Linear dense;
        private readonly LayerNorm LayerNorm;
        private readonly Dropout dropout;

        public Output(BertConfig c, int inputSize) : base("output")
        {
            dense = nn.Linear(inputSize, c.HiddenSize);
            LayerNorm = nn.LayerNorm(c.HiddenSize, c.LayerNormEps);
            dropout = nn.Dropout(c.HiddenDropoutProb);
            RegisterComponents();
        }

        public override Tensor forward(Tensor h, Tensor residual) => LayerNorm.forward(dropout.forward(dense.forward(h)) + residual);
    }

    private sealed class Pooler : nn.Module<Tensor, Tensor>
    {
        private readonly Linear dense;

        public Pooler(BertConfig c) : base("pooler")
        {
            dense = nn.Linear(c.HiddenSize, c.HiddenSize);
            RegisterComponents();
        }

        public override Tensor forward(Tensor h) => dense.forward(h[.., 0]).tanh();
    }
}
#pragma warning restore IDE1006

/// <summary>Stand-in: the real importer (ONNX initializers, HF safetensors / pytorch_model.bin) comes with branch `torch`.</summary>
public sealed class BertWeights
{
    public BertConfig Config { get; private init; }
    public static BertWeights FromMiniLM() => throw new NotSupportedException("Weight import arrives with branch 'torch'.");
    public static BertWeights FromOnnx(string modelPath) => throw new NotSupportedException("Weight import arrives with branch 'torch'.");
    public static BertWeights FromHuggingFace(string folder) => throw new NotSupportedException("Weight import arrives with branch 'torch'.");
    public void LoadInto(BertModel model) => throw new NotSupportedException("Weight import arrives with branch 'torch'.");
}
