// Benchmarks and evaluation runners (not tests): dotnet run -c Release --project bench/MLNetContextual.Bench -- <verb> [args]
using MLNetContextual.Bench;

var verbs = new Dictionary<string, Func<string[], int>>(StringComparer.OrdinalIgnoreCase)
{
    // one line per verb: ["verb"] = Runner.Run,
    ["embed-throughput"] = MLNetContextual.Bench.Embedding.EmbedThroughput.Run,
    ["embed-memory"] = MLNetContextual.Bench.Embedding.EmbedMemory.Run,
    ["sts-eval"] = MLNetContextual.Bench.Embedding.StsEval.Run,
    ["embed-grouping"] = EncoderSettingsBench.Grouping,
    ["embed-spinning"] = EncoderSettingsBench.Spinning,
    ["bert-forward"] = BertForwardBench.Run,
    ["static-eval"] = MLNetContextual.Bench.StaticEmbeddings.StaticEval.Run,
    ["finetune-sst2"] = FineTuningBench.Sst2,
    ["finetune-squad"] = FineTuningBench.Squad,
    ["finetune-predict"] = FineTuningBench.Predict,
    ["finetune-ort"] = FineTuneOrtBench.Run,
    ["finetune-text"] = TextClassificationSweep.Run,
    ["elmo-parity"] = MLNetContextual.Bench.Elmo.ElmoBench.Parity,
    ["elmo-pretrain"] = MLNetContextual.Bench.Elmo.ElmoBench.Pretrain,
    ["elmo-sst2"] = MLNetContextual.Bench.Elmo.ElmoDownstream.Sst2,
    ["elmo-wic"] = MLNetContextual.Bench.Elmo.ElmoDownstream.Wic,
    ["c2v-train"] = MLNetContextual.Bench.Context2Vec.Context2VecBench.Train,
    ["elmo-lstm-step"] = MLNetContextual.Bench.Elmo.ElmoLstmStep.Run,
    ["cove-train"] = MLNetContextual.Bench.Cove.CoveBench.Train,
    ["cove-forward"] = MLNetContextual.Bench.Cove.CoveForwardBench.Run,
    ["topics-20ng"] = MLNetContextual.Bench.Topics.TopicModelBench.Run,
    ["cache-snippet"] = MLNetContextual.Bench.Embedding.CacheSnippetBench.Run,
    ["soak-predict"] = MLNetContextual.Bench.Robustness.SoakPredict.Run,
    ["soak-reload"] = MLNetContextual.Bench.Robustness.SoakReload.Run,
    ["cli-data"] = MLNetContextual.Bench.Cli.CliSweepData.Run,
    ["finetune-text"] = TextClassificationSweep.Run,
    ["use-train"] = MLNetContextual.Bench.Use.UseBench.Train,
    ["use-throughput"] = MLNetContextual.Bench.Use.UseBench.Throughput,
    ["use-transfer"] = MLNetContextual.Bench.Use.UseBench.Transfer,
    ["int8"] = MLNetContextual.Bench.Embedding.Int8Bench.Run,
    ["onnx-profile"] = MLNetContextual.Bench.Embedding.OnnxProfileBench.Run,
    ["gpu-throughput"] = MLNetContextual.Bench.Embedding.GpuThroughput.Run,
    ["mirror-bert"] = MLNetContextual.Bench.MirrorBert.MirrorBertBench.Run,
    ["cvt-train"] = MLNetContextual.Bench.CrossView.CrossViewBench.Train,
};

if (args.Length == 0 || !verbs.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: <verb> [args]; verbs: {string.Join(", ", verbs.Keys.Order())}");
    return 2;
}
return run(args[1..]);
