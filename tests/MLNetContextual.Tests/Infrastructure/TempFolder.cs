namespace MLNetContextual.Tests;

/// <summary>A temporary folder deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlnetctx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes the embedded MiniLM as model.onnx + vocab.txt (a Hugging Face export folder); returns the model path.</summary>
    public string WriteMiniLM()
    {
        using (var model = ContextualEncoder.MiniLM.Model.Open())
        using (var file = System.IO.File.Create(File("model.onnx")))
            model.CopyTo(file);
        using (var vocab = ContextualEncoder.MiniLM.Vocabulary.Open())
        using (var file = System.IO.File.Create(File("vocab.txt")))
            vocab.CopyTo(file);
        return File("model.onnx");
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
