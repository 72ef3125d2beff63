using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MLNetContextual;

/// <summary>
/// The <see cref="MLContext"/> behind an ML.NET catalog: its seed and its log. ML.NET keeps both internal
/// (<c>IInternalCatalog.Environment</c>, <c>IHostEnvironmentInternal.Seed</c>), so this folder is where they are read.
/// </summary>
internal sealed class CatalogEnvironment
{
    private readonly IHostEnvironment _env;

    private CatalogEnvironment(IHostEnvironment env) => _env = env;

    /// <summary>The environment of a catalog such as <c>ml.MulticlassClassification.Trainers</c>; null if it has none.</summary>
    public static CatalogEnvironment Of(object catalog) =>
        catalog is IInternalCatalog c && c.Environment != null ? new CatalogEnvironment(c.Environment) : null;

    /// <summary>The seed given to <c>new MLContext(seed)</c>; null when none was given.</summary>
    public int? Seed => (_env as IHostEnvironmentInternal)?.Seed;

    /// <summary>Opens a channel whose messages reach <see cref="MLContext.Log"/> with <paramref name="source"/> as their source.</summary>
    public ILogChannel OpenLog(string source) => new Channel(_env.Start(source));

    /// <summary>Messages to <see cref="MLContext.Log"/>.</summary>
    internal interface ILogChannel : IDisposable
    {
        void Info(string message);
        void Warning(string message);
    }

    private sealed class Channel(IChannel channel) : ILogChannel
    {
        public void Info(string message) => channel.Info(MessageSensitivity.None, message);
        public void Warning(string message) => channel.Warning(MessageSensitivity.None, message);
        public void Dispose() => channel.Dispose();
    }
}
