using System.Collections.Concurrent;
using System.Reflection;

namespace MLNetContextual;

/// <summary>Registers the loader of an encoder kind, so that zips holding that encoder load without any registration call.</summary>
/// <example><c>[assembly: ContextualEncoderLoader("my-encoder", typeof(MyEncoderLoader))]</c></example>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class ContextualEncoderLoaderAttribute : Attribute
{
    /// <summary>Registers <paramref name="loaderType"/> (an <see cref="IContextualEncoderLoader"/> with a public
    /// parameterless constructor) for encoders of kind <paramref name="kind"/>.</summary>
    public ContextualEncoderLoaderAttribute(string kind, Type loaderType)
    {
        Kind = kind;
        LoaderType = loaderType;
    }

    /// <summary>The encoder's <see cref="ContextualEncoder.Kind"/>.</summary>
    public string Kind { get; }

    /// <summary>The loader type.</summary>
    public Type LoaderType { get; }
}

/// <summary>Rebuilds an encoder from what its <see cref="ContextualEncoder.Save"/> wrote.</summary>
public interface IContextualEncoderLoader
{
    /// <summary>Reads the encoder back; check <see cref="EncoderReader.FormatVersion"/> first.</summary>
    ContextualEncoder Load(EncoderReader reader);
}

/// <summary>
/// Finds registered components (encoder loaders and the library's transformers) by their stable ids. A zip names the id
/// and the assembly that registers it; only types registered by that assembly's attributes are ever created.
/// </summary>
internal static class ComponentRegistry
{
    private static readonly ConcurrentDictionary<Assembly, (Dictionary<string, Type> Encoders, Dictionary<string, ContextualComponentAttribute> Components)> s_byAssembly = new();

    /// <summary>The assembly a zip names, loaded by its simple name; a clear error when it is not referenced.</summary>
    public static Assembly Resolve(string assemblyName, string what)
    {
        if (string.IsNullOrEmpty(assemblyName) || assemblyName.Length > 200
            || !assemblyName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            throw new InvalidDataException($"The saved model names an invalid assembly for {what}: '{Printable(assemblyName)}'. The zip is corrupt.");
        try
        {
            return Assembly.Load(new AssemblyName(assemblyName));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            throw new InvalidOperationException($"The model needs {what} from assembly '{assemblyName}', which this application does not reference. Add that package.", e);
        }
    }

    public static IContextualEncoderLoader EncoderLoader(string kind, string assemblyName)
    {
        var assembly = Resolve(assemblyName, $"encoder '{Printable(kind)}'");
        var (encoders, _) = Scan(assembly);
        if (!encoders.TryGetValue(kind, out var type))
            throw new InvalidDataException(
                $"Assembly '{assemblyName}' registers no encoder of kind '{Printable(kind)}' (it registers: {string.Join(", ", encoders.Keys.DefaultIfEmpty("none"))}).");
        return (IContextualEncoderLoader)Activator.CreateInstance(type);
    }

    public static ContextualComponentAttribute Component(string id, string assemblyName)
    {
        var assembly = Resolve(assemblyName, $"component '{Printable(id)}'");
        var (_, components) = Scan(assembly);
        return components.TryGetValue(id, out var c) ? c
            : throw new InvalidDataException(
                $"Assembly '{assemblyName}' registers no component '{Printable(id)}' (it registers: {string.Join(", ", components.Keys.DefaultIfEmpty("none"))}).");
    }

    /// <summary>The component a zip of the first format names by its CLR type name.</summary>
    public static ContextualComponentAttribute LegacyComponent(string typeName, string assemblyName)
    {
        var assembly = Resolve(assemblyName, $"component '{Printable(typeName)}'");
        var (_, components) = Scan(assembly);
        return components.Values.FirstOrDefault(c => c.LegacyTypeName == typeName || c.Type.FullName == typeName)
            ?? throw new InvalidDataException($"Assembly '{assemblyName}' has no registered component '{Printable(typeName)}'; the zip is corrupt or from another library.");
    }

    /// <summary>The registration of a transformer type (its stable id).</summary>
    public static ContextualComponentAttribute For(Type type) =>
        Scan(type.Assembly).Components.Values.FirstOrDefault(c => c.Type == type)
        ?? throw new InvalidOperationException($"{type.FullName} is not registered with [assembly: ContextualComponent(...)] in {type.Assembly.GetName().Name}.");

    public static string EncoderAssembly(ContextualEncoder encoder)
    {
        var assembly = encoder.GetType().Assembly;
        if (!Scan(assembly).Encoders.ContainsKey(encoder.Kind))
            throw new InvalidOperationException(
                $"Encoder '{encoder.Name}' of kind '{encoder.Kind}' cannot be saved: its assembly {assembly.GetName().Name} has no [assembly: ContextualEncoderLoader(\"{encoder.Kind}\", ...)].");
        return assembly.GetName().Name;
    }

    private static (Dictionary<string, Type> Encoders, Dictionary<string, ContextualComponentAttribute> Components) Scan(Assembly assembly) =>
        s_byAssembly.GetOrAdd(assembly, a =>
        {
            var encoders = new Dictionary<string, Type>(StringComparer.Ordinal);
            foreach (var e in a.GetCustomAttributes<ContextualEncoderLoaderAttribute>())
            {
                if (!typeof(IContextualEncoderLoader).IsAssignableFrom(e.LoaderType) || e.LoaderType.GetConstructor(Type.EmptyTypes) == null)
                    throw new InvalidOperationException($"{e.LoaderType} registered for encoder '{e.Kind}' must implement IContextualEncoderLoader and have a public parameterless constructor.");
                encoders.Add(e.Kind, e.LoaderType);
            }
            var components = a.GetCustomAttributes<ContextualComponentAttribute>().ToDictionary(c => c.Id, StringComparer.Ordinal);
            return (encoders, components);
        });

    private static string Printable(string s) => s == null ? "(null)" : s.Length > 80 ? s[..80] + "…" : new string(s.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}

/// <summary>Registers a transformer of this library under a stable id, with the format versions its loader reads.</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class ContextualComponentAttribute : Attribute
{
    public ContextualComponentAttribute(string id, Type type)
    {
        Id = id;
        Type = type;
    }

    public string Id { get; }
    public Type Type { get; }
    public int MinFormatVersion { get; set; } = 1;
    public int MaxFormatVersion { get; set; } = 1;
    /// <summary>The CLR type name zips of the first format recorded, when the type has moved since.</summary>
    public string LegacyTypeName { get; set; }
}
