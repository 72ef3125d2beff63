using MLNetContextual.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetContextual;

#pragma warning disable IDE1006 // field names are state-dict keys, as in Hugging Face's BertFor* classes

/// <summary>BERT's span extractor for SQuAD (Hugging Face BertForQuestionAnswering): a [2, H] layer gives a start and
/// an end logit per token.</summary>
internal sealed class BertSpanExtractor : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly BertModel bert;
    private readonly Linear qa_outputs;

    public BertSpanExtractor(BertModel encoder, int hiddenSize) : base(nameof(BertSpanExtractor))
    {
        bert = encoder;
        qa_outputs = nn.Linear(hiddenSize, 2);
        using (no_grad())
        {
            nn.init.normal_(qa_outputs.weight, 0, 0.02);
            qa_outputs.bias.zero_();
        }
        RegisterComponents();
    }

    public BertModel Encoder => bert;
    public Linear Head => qa_outputs;

    /// <summary>(B, T) ids, mask and token types → (B, T, 2) start and end logits; padding positions get −10000.</summary>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        var (hidden, _) = bert.forward(inputIds, attentionMask, tokenTypeIds);   // (B, T, H)
        var logits = qa_outputs.forward(hidden);                                   // (B, T, 2)
        var padding = attentionMask.eq(0).unsqueeze(-1);                           // (B, T, 1)
        return logits.masked_fill(padding, -10000f).MoveToOuterDisposeScope();
    }
}
#pragma warning restore IDE1006
