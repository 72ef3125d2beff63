using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNetContextual;

// One loader for every transformer of this library (and of MLNetContextual.Estimators). The zip records the
// component's stable id (not its CLR type), the assembly that registers it, its format version and the SHA-256 of each
// blob. ML.NET finds this loader in a fresh process by the assembly name that VersionInfo writes into the zip, so no
// registration call is needed.
[assembly: LoadableClass(typeof(ContextualTransformerBase), typeof(TransformerPersistence), null, typeof(SignatureLoadModel),
    "MLNetContextual transformer", TransformerPersistence.LoaderSignature)]

namespace MLNetContextual;

/// <summary>The only place that talks to ML.NET's (internal) model persistence API.</summary>
internal static class TransformerPersistence
{
    internal const string LoaderSignature = "MLNetCtxTransformer";   // ML.NET allows at most 24 characters
    private const uint TypeNameContainer = 0x00010001;    // first wave: CLR type name, no checksums
    private const uint ComponentIdContainer = 0x00010002; // stable component id + checksums
    private const string ChecksumsEntry = "Checksums.txt";

    private static VersionInfo GetVersionInfo() => new(
        modelSignature: "MLNCTXTF",
        verWrittenCur: ComponentIdContainer,
        verReadableCur: ComponentIdContainer,
        verWeCanReadBack: TypeNameContainer,
        loaderSignature: LoaderSignature,
        loaderSignatureAlt: null,
        loaderAssemblyName: typeof(TransformerPersistence).Assembly.FullName);

    internal static void Save(ModelSaveContext ctx, ContextualTransformerBase transformer)
    {
        ctx.CheckAtModel();
        ctx.SetVersionInfo(GetVersionInfo());
        var type = transformer.GetType();
        var registration = ComponentRegistry.For(type);
        int version = transformer.FormatVersion;
        ctx.Writer.Write(registration.Id);
        ctx.Writer.Write(type.Assembly.GetName().Name);
        ctx.Writer.Write(version);
        ctx.SaveTextStream("Versions.txt", w =>
        {
            w.WriteLine($"MLNetContextual {typeof(TransformerPersistence).Assembly.GetName().Version}");
            w.WriteLine($"Microsoft.ML {typeof(MLContext).Assembly.GetName().Version}");
            w.WriteLine($"Component {registration.Id} ({type.FullName}) format {version}");
        });
        var writer = new ModelWriter(ctx);
        transformer.SaveModel(writer);
        ctx.SaveTextStream(ChecksumsEntry, w =>
        {
            foreach (var (name, hash) in writer.Checksums.OrderBy(p => p.Key, StringComparer.Ordinal))
                w.WriteLine($"{name}\t{hash}");
        });
    }

    // Found by ML.NET's ComponentCatalog through the LoadableClass attribute above.
    private static ContextualTransformerBase Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        ctx.CheckAtModel(GetVersionInfo());
        bool legacy = ctx.Header.ModelVerWritten == TypeNameContainer;
        string name = ctx.Reader.ReadString();
        string assemblyName = ctx.Reader.ReadString();
        int formatVersion = ctx.Reader.ReadInt32();

        var component = legacy ? ComponentRegistry.LegacyComponent(name, assemblyName) : ComponentRegistry.Component(name, assemblyName);
        if (formatVersion < component.MinFormatVersion || formatVersion > component.MaxFormatVersion)
            throw new InvalidDataException(
                $"Component '{component.Id}' was saved with format version {formatVersion}; this version of {assemblyName} reads versions {component.MinFormatVersion}–{component.MaxFormatVersion}."
                + (formatVersion > component.MaxFormatVersion ? " Update the package to load this model." : ""));
        var checksums = legacy ? null : ReadChecksums(ctx, component.Id);
        var load = component.Type.GetMethod("LoadModel", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public, [typeof(ModelReader)])
            ?? throw new InvalidOperationException($"Component '{component.Id}' ({component.Type.FullName}) has no static LoadModel(ModelReader) method.");
        if (!typeof(ContextualTransformerBase).IsAssignableFrom(load.ReturnType))
            throw new InvalidOperationException($"Component '{component.Id}': LoadModel returns {load.ReturnType.Name}, not a transformer.");
        var loader = load.CreateDelegate<Func<ModelReader, ContextualTransformerBase>>();   // no reflection wrapper around its exceptions
        return loader(new ModelReader(ctx, formatVersion, $"component '{component.Id}'", checksums));
    }

    private static Dictionary<string, string> ReadChecksums(ModelLoadContext ctx, string component)
    {
        var checksums = new Dictionary<string, string>(StringComparer.Ordinal);
        bool found = ctx.TryLoadTextStream(ChecksumsEntry, r =>
        {
            string line;
            while ((line = r.ReadLine()) != null)
            {
                int tab = line.IndexOf('\t');
                if (tab <= 0 || line.Length - tab - 1 != 64)
                    throw new InvalidDataException($"Line '{line}' of {ChecksumsEntry} of component '{component}' is not 'name<TAB>sha256'; the zip is corrupt.");
                checksums[line[..tab]] = line[(tab + 1)..];
            }
        });
        if (!found)
            throw new InvalidDataException($"The saved model lacks the {ChecksumsEntry} entry of component '{component}'; the zip is incomplete or corrupt.");
        return checksums;
    }
}
