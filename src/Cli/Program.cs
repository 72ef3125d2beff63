// mlnetctx train --data reviews.tsv --text Text --label Label
//   → a trained, evaluated model.zip (encoder weights inside) and ConsumeModel.cs, the code that uses it.
using System.CommandLine;
using MLNetContextual.Cli;

var data = new Option<FileInfo>("--data") { Description = "Training data: .tsv or .csv with a header row.", Required = true };
var text = new Option<string>("--text") { Description = "The text column.", DefaultValueFactory = _ => "Text" };
var label = new Option<string>("--label") { Description = "The label column: two values (0/1, true/false) for binary, more for multiclass.", DefaultValueFactory = _ => "Label" };
var mode = new Option<TrainingMode>("--mode") { Description = "features: contextual embeddings + an ML.NET trainer (fast); finetune: fine-tune the encoder (slow, best accuracy).", DefaultValueFactory = _ => TrainingMode.Features };
var output = new Option<DirectoryInfo>("--output") { Description = "Folder for model.zip and ConsumeModel.cs.", DefaultValueFactory = _ => new DirectoryInfo("MLModel") };
var testFraction = new Option<double>("--test-fraction") { Description = "Share of rows held out for evaluation.", DefaultValueFactory = _ => 0.2 };
var epochs = new Option<int>("--epochs") { Description = "Fine-tuning epochs (--mode finetune).", DefaultValueFactory = _ => 3 };
var seed = new Option<int>("--seed") { Description = "Random seed (split, trainer).", DefaultValueFactory = _ => 1 };

var train = new Command("train", "Train a text classifier on a dataset, evaluate it on held-out rows, save the .zip and the code to use it.")
{
    data, text, label, mode, output, testFraction, epochs, seed,
};
train.SetAction(parse => TrainCommand.Run(new TrainSettings(
    parse.GetValue(data), parse.GetValue(text), parse.GetValue(label), parse.GetValue(mode), parse.GetValue(output),
    parse.GetValue(testFraction), parse.GetValue(epochs), parse.GetValue(seed))));

var root = new RootCommand("MLNetContextual: contextual text models for ML.NET, from a dataset to a .zip.") { train };
return root.Parse(args).Invoke();
