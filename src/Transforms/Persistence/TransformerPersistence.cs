using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNetContextual;

// One loader for every transformer of this library (and of MLNetContextual.Estimators): the zip records the concrete
// type, which is created through its static LoadModel(ModelReader). ML.NET finds this loader in a fresh process by the
// assembly name that VersionInfo writes into the zip, so no registration call is needed.
[assembly: LoadableClass(typeof(ContextualTransformerBase), typeof(TransformerPersistence), null, typeof(SignatureLoadModel),
    "MLNetContextual transformer", TransformerPersistence.LoaderSignature)]

namespace MLNetContextual;

/// <summary>The only place that talks to ML.NET's (internal) model persistence API.</summary>
internal static class TransformerPersistence
{
    internal const string LoaderSignature = "MLNetCtxTransformer";   // ML.NET allows at most 24 characters
    private const uint ContainerVersion = 0x00010001;

    private static VersionInfo GetVersionInfo() => new(
        modelSignature: "MLNCTXTF",
        verWrittenCur: ContainerVersion,
        verReadableCur: ContainerVersion,
        verWeCanReadBack: ContainerVersion,
        loaderSignature: LoaderSignature,
        loaderSignatureAlt: null,
        loaderAssemblyName: typeof(TransformerPersistence).Assembly.FullName);

    internal static void Save(ModelSaveContext ctx, ContextualTransformerBase transformer)
    {
        ctx.CheckAtModel();
        ctx.SetVersionInfo(GetVersionInfo());
        var type = transformer.GetType();
        ctx.Writer.Write(type.FullName);
        ctx.Writer.Write(type.Assembly.GetName().Name);
        ctx.Writer.Write(transformer.FormatVersion);
        ctx.SaveTextStream("Versions.txt", w =>
        {
            w.WriteLine($"MLNetContextual {typeof(TransformerPersistence).Assembly.GetName().Version}");
            w.WriteLine($"Microsoft.ML {typeof(MLContext).Assembly.GetName().Version}");
            w.WriteLine($"Transformer {type.FullName} format {transformer.FormatVersion}");
        });
        transformer.SaveModel(new ModelWriter(ctx));
    }

    // Found by ML.NET's ComponentCatalog through the LoadableClass attribute above.
    private static ContextualTransformerBase Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        ctx.CheckAtModel(GetVersionInfo());
        string typeName = ctx.Reader.ReadString();
        string assemblyName = ctx.Reader.ReadString();
        int formatVersion = ctx.Reader.ReadInt32();

        var type = Type.GetType($"{typeName}, {assemblyName}", throwOnError: false)
            ?? throw new InvalidOperationException(
                $"The model needs type '{typeName}' from assembly '{assemblyName}'. Reference that package in this application.");
        var load = type.GetMethod("LoadModel", BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public, [typeof(ModelReader)])
            ?? throw new InvalidOperationException($"'{typeName}' has no static LoadModel(ModelReader) method.");
        try
        {
            return (ContextualTransformerBase)load.Invoke(null, [new ModelReader(ctx, formatVersion)]);
        }
        catch (TargetInvocationException e) when (e.InnerException != null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
