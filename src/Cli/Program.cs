// mlnetctx: Model Builder for text on the command line, offline.
//   mlnetctx classification --dataset reviews.tsv --label-col Label --text-col Text --train-time 300
//   → a sweep of FeaturizeText baselines, frozen encoders × ML.NET trainers and fine-tuning within the budget; model.zip,
//     a consumption project, a training project, run.json and report/index.html.
using System.CommandLine;
using MLNetContextual.Cli;

return CommandLineApp.Create().Parse(args).Invoke();
