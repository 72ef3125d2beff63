// CoVe, trained on your own translation pairs:
//   1. LearnCove trains an attentional English→German translation model whose encoder is a 2-layer biLSTM over frozen
//      GloVe vectors, reporting validation perplexity per epoch; the decoder is dropped, the encoder kept;
//   2. the fitted transformer (mean over words of [GloVe; CoVe]) is saved as an ML.NET zip and the encoder as a PyTorch
//      state dict (the layout of salesforce/cove's wmtlstm-*.pth), then both are reloaded;
//   3. the reloaded encoder embeds a few sentences; we print their cosine similarities with and without CoVe.
// Run: dotnet run -c Release --project samples/Cove [-- multi30k-folder glove-file [pairs]]
// Defaults: ../shared/datasets/multi30k and glove-6B-50d-10k beside the repository, the first 2,000 pairs (about 20 s
// on one thread). To use the published encoder instead: CoveEncoder.FromPyTorch("wmtlstm-8f474287.pth", glove840B).
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string shared = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/datasets"));
string pairsFolder = args.Length > 0 ? args[0] : Path.Combine(shared, "multi30k");
string glovePath = args.Length > 1 ? args[1] : Path.Combine(shared, "glove-6B-50d-10k", "glove.6B.50d.10k.txt");
int count = args.Length > 2 ? int.Parse(args[2]) : 2000;
var glove = StaticEmbeddings.Load(glovePath);
List<PairRow> Read(string split, int n) => File.ReadLines(Path.Combine(pairsFolder, split + ".en"))
    .Zip(File.ReadLines(Path.Combine(pairsFolder, split + ".de"))).Take(n)
    .Select(p => new PairRow { English = p.First, German = p.Second }).ToList();
var ml = new MLContext(seed: 1);

// 1. Translation training. Sizes are small on purpose; the paper's encoder is 2 × 300 per direction over 300-d GloVe.
var estimator = ml.Transforms.Text.LearnCove(new LearnCoveOptions
{
    InputColumnName = "English", TargetColumnName = "German", OutputColumnName = "Features", Glove = glove,
    HiddenSize = 64, TargetEmbeddingSize = 64, TargetVocabularySize = 3000, Epochs = 2, BatchSize = 32,
    NumberOfThreads = 1, ValidationSet = ml.Data.LoadFromEnumerable(Read("val", 200)), ProgressInterval = 1000,
    Progress = new Progress<CoveTrainingProgress>(p => Console.WriteLine(
        $"epoch {p.Epoch}: loss {p.Loss:F3} nats/token, validation perplexity {p.ValidationPerplexity:F1}")),
});
var train = ml.Data.LoadFromEnumerable(Read("train", count));
var model = estimator.Fit(train);
var cove = (CoveEncoder)model.Encoder;
Console.WriteLine($"learned {cove.Name}: {cove.LayerCount} layers of {cove.Dimension} values ([GloVe {glove.Dimension}; CoVe {2 * cove.HiddenSize}])");

// 2. Save and reload: the ML.NET zip and the PyTorch state dict.
var folder = Directory.CreateTempSubdirectory("cove-sample-").FullName;
string zip = Path.Combine(folder, "cove-embedding.zip"), pth = Path.Combine(folder, "wmtlstm-sample.pth");
ml.Model.Save(model, train.Schema, zip);
cove.SavePyTorch(pth);
model.Dispose();
var reloadedZip = new MLContext(seed: 2).Model.Load(zip, out _);
var reloaded = CoveEncoder.FromPyTorch(pth, glove);
Console.WriteLine($"saved and reloaded: {zip} and {pth}");

// 3. Sentence similarities from the reloaded zip ([GloVe; CoVe]) and from GloVe alone (layer 0 of the reloaded encoder).
string[] sentences = ["A dog runs on the beach.", "A dog is running along the shore.", "Two men play guitar on a stage.", "The dog did not run on the beach."];
var rows = ml.Data.LoadFromEnumerable(sentences.Select(s => new PairRow { English = s, German = "" }));
var both = reloadedZip.Transform(rows).GetColumn<float[]>("Features").ToArray();
using var gloveOnly = ml.Transforms.Text.ApplyContextualEmbedding("Features", "English",
    new ContextualEmbeddingOptions { Encoder = reloaded, Layers = LayerSelection.Of([0]) }).Fit(rows);
var alone = gloveOnly.Transform(rows).GetColumn<float[]>("Features").ToArray();
for (int i = 1; i < sentences.Length; i++)
    Console.WriteLine($"cos(\"{sentences[0]}\", \"{sentences[i]}\"): [GloVe; CoVe] {Cosine(both[0], both[i]):F3}, GloVe {Cosine(alone[0], alone[i]):F3}");
(reloadedZip as IDisposable)?.Dispose();

static double Cosine(float[] a, float[] b)
{
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.Length; i++)
    {
        dot += a[i] * b[i];
        na += a[i] * a[i];
        nb += b[i] * b[i];
    }
    return dot / Math.Sqrt(na * nb + 1e-12);
}

internal sealed class PairRow
{
    public string English { get; set; }
    public string German { get; set; }
}
// Expected output (2,000 pairs, 2 epochs, about 20 s on one thread; 2026-12-01):
// epoch 1: loss 5.416 nats/token, validation perplexity 108.1
// epoch 2: loss 4.845 nats/token, validation perplexity 88.8
// learned cove-English: 3 layers of 178 values ([GloVe 50; CoVe 128])
// saved and reloaded: /tmp/cove-sample-…/cove-embedding.zip and /tmp/cove-sample-…/wmtlstm-sample.pth
// cos("A dog runs on the beach.", "A dog is running along the shore."): [GloVe; CoVe] 0.981, GloVe 0.975
// cos("A dog runs on the beach.", "Two men play guitar on a stage."): [GloVe; CoVe] 0.933, GloVe 0.911
// cos("A dog runs on the beach.", "The dog did not run on the beach."): [GloVe; CoVe] 0.978, GloVe 0.971
