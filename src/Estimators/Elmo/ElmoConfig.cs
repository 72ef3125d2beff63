using System.Text.Json;
using System.Text.Json.Nodes;

namespace MLNetContextual;

/// <summary>
/// The shape of an ELMo biLM, as bilm-tf's <c>options.json</c> describes it: the character CNN (<c>char_cnn</c>) and the
/// biLSTM (<c>lstm</c>). Defaults are a small model that pre-trains on a CPU (2 × 256/64, 256 filters; see
/// bench/RESULTS.md for its speed); <see cref="Published"/> is the shape of the published "original" model (2 × 4096/512).
/// </summary>
public sealed class ElmoConfig
{
    /// <summary>Units in each LSTM cell (<c>lstm.dim</c>).</summary>
    public int LstmDim { get; set; } = 256;

    /// <summary>Size of the LSTM's projected output and of the token representation (<c>lstm.projection_dim</c>); every
    /// layer's vector has 2 × this many values. At most <see cref="LstmDim"/>.</summary>
    public int ProjectionDim { get; set; } = 64;

    /// <summary>LSTM layers per direction (<c>lstm.n_layers</c>).</summary>
    public int LstmLayers { get; set; } = 2;

    /// <summary>The LSTM cell state is clipped to ±this (<c>lstm.cell_clip</c>); null: no clipping.</summary>
    public float? CellClip { get; set; } = 3;

    /// <summary>The LSTM's projected output is clipped to ±this (<c>lstm.proj_clip</c>); null: no clipping.</summary>
    public float? ProjectionClip { get; set; } = 3;

    /// <summary>Adds each LSTM layer's input to its output, from the second layer on (<c>lstm.use_skip_connections</c>).</summary>
    public bool UseSkipConnections { get; set; } = true;

    /// <summary>Size of the character embedding (<c>char_cnn.embedding.dim</c>).</summary>
    public int CharEmbeddingDim { get; set; } = 8;

    /// <summary>Convolutions as (width, filters) pairs (<c>char_cnn.filters</c>).</summary>
    public int[][] Filters { get; set; } = [[1, 16], [2, 16], [3, 32], [4, 64], [5, 128]];

    /// <summary>Highway layers after the convolutions (<c>char_cnn.n_highway</c>).</summary>
    public int HighwayLayers { get; set; } = 1;

    /// <summary>Character ids, padding included (<c>char_cnn.n_characters</c>): 262 for inference, as bilm-tf requires.</summary>
    public int CharacterCount { get; set; } = ElmoCharacters.CharacterCount;

    /// <summary>Characters per token, begin- and end-of-word marks included (<c>char_cnn.max_characters_per_token</c>);
    /// longer tokens keep their first <c>MaxCharactersPerToken − 2</c> UTF-8 bytes, as bilm-tf does.</summary>
    public int MaxCharactersPerToken { get; set; } = 50;

    /// <summary>The convolutions' activation, "tanh" or "relu" (<c>char_cnn.activation</c>).</summary>
    public string Activation { get; set; } = "relu";

    /// <summary>Total filters of the convolutions (the CNN's output size).</summary>
    public int FilterCount => Filters?.Sum(f => f is { Length: 2 } ? f[1] : 0) ?? 0;

    /// <summary>The published "original" ELMo (5.5B words: 2 × 4096/512, 2048 filters, 2 highways, tanh).</summary>
    public static ElmoConfig Published => new()
    {
        LstmDim = 4096, ProjectionDim = 512, LstmLayers = 2, CellClip = 3, ProjectionClip = 3, UseSkipConnections = true,
        CharEmbeddingDim = 16, Filters = [[1, 32], [2, 32], [3, 64], [4, 128], [5, 256], [6, 512], [7, 1024]],
        HighwayLayers = 2, CharacterCount = 262, MaxCharactersPerToken = 50, Activation = "tanh",
    };

    /// <summary>A copy.</summary>
    public ElmoConfig Clone() => FromJson(ToJson());

    /// <summary>Throws naming the first option that is out of range or contradicts another.</summary>
    public void Validate()
    {
        static void Check(bool ok, string option, string message)
        {
            if (!ok)
                throw new ArgumentOutOfRangeException(option, message);
        }
        Check(LstmDim >= 1, nameof(LstmDim), $"LstmDim (lstm.dim) is {LstmDim}; it must be at least 1.");
        Check(ProjectionDim >= 1, nameof(ProjectionDim), $"ProjectionDim (lstm.projection_dim) is {ProjectionDim}; it must be at least 1.");
        Check(ProjectionDim <= LstmDim, nameof(ProjectionDim),
            $"ProjectionDim (lstm.projection_dim) is {ProjectionDim}, larger than LstmDim (lstm.dim) {LstmDim}; the projection must not be larger than the LSTM.");
        Check(LstmLayers >= 1, nameof(LstmLayers), $"LstmLayers (lstm.n_layers) is {LstmLayers}; it must be at least 1.");
        Check(CellClip is null or > 0, nameof(CellClip), $"CellClip (lstm.cell_clip) is {CellClip}; it must be positive (or null: no clipping).");
        Check(ProjectionClip is null or > 0, nameof(ProjectionClip), $"ProjectionClip (lstm.proj_clip) is {ProjectionClip}; it must be positive (or null: no clipping).");
        Check(CharEmbeddingDim >= 1, nameof(CharEmbeddingDim), $"CharEmbeddingDim (char_cnn.embedding.dim) is {CharEmbeddingDim}; it must be at least 1.");
        Check(Filters is { Length: > 0 }, nameof(Filters), "Filters (char_cnn.filters) must list at least one [width, count] pair.");
        for (int i = 0; i < Filters.Length; i++)
        {
            Check(Filters[i] is { Length: 2 }, nameof(Filters), $"Filters[{i}] (char_cnn.filters) must be a [width, count] pair.");
            Check(Filters[i][0] >= 1 && Filters[i][1] >= 1, nameof(Filters),
                $"Filters[{i}] is [{Filters[i][0]}, {Filters[i][1]}]; width and count must both be at least 1.");
            Check(Filters[i][0] <= MaxCharactersPerToken, nameof(Filters),
                $"Filters[{i}] has width {Filters[i][0]}, wider than MaxCharactersPerToken (char_cnn.max_characters_per_token) {MaxCharactersPerToken}.");
        }
        Check(HighwayLayers >= 0, nameof(HighwayLayers), $"HighwayLayers (char_cnn.n_highway) is {HighwayLayers}; it must not be negative.");
        Check(CharacterCount == ElmoCharacters.CharacterCount, nameof(CharacterCount),
            $"CharacterCount (char_cnn.n_characters) is {CharacterCount}; bilm-tf models are run with {ElmoCharacters.CharacterCount} (256 bytes, 5 marks, padding).");
        Check(MaxCharactersPerToken >= 3, nameof(MaxCharactersPerToken),
            $"MaxCharactersPerToken (char_cnn.max_characters_per_token) is {MaxCharactersPerToken}; it must be at least 3 (begin-of-word, one byte, end-of-word).");
        Check(Activation is "tanh" or "relu", nameof(Activation),
            $"Activation (char_cnn.activation) is '{Activation}'; valid activations are: tanh, relu.");
        Check(FilterCount >= ProjectionDim, nameof(ProjectionDim),
            $"The convolutions have {FilterCount} filters in all, fewer than ProjectionDim (lstm.projection_dim) {ProjectionDim}; bilm-tf projects the CNN output down, never up.");
    }

    /// <summary>This shape as bilm-tf's <c>options.json</c>.</summary>
    public string ToJson()
    {
        var lstm = new JsonObject
        {
            ["dim"] = LstmDim, ["projection_dim"] = ProjectionDim, ["n_layers"] = LstmLayers,
            ["cell_clip"] = CellClip, ["proj_clip"] = ProjectionClip, ["use_skip_connections"] = UseSkipConnections,
        };
        var filters = new JsonArray();
        foreach (var f in Filters)
            filters.Add(new JsonArray(f[0], f[1]));
        var cnn = new JsonObject
        {
            ["embedding"] = new JsonObject { ["dim"] = CharEmbeddingDim }, ["filters"] = filters, ["n_highway"] = HighwayLayers,
            ["n_characters"] = CharacterCount, ["max_characters_per_token"] = MaxCharactersPerToken, ["activation"] = Activation,
        };
        return new JsonObject { ["lstm"] = lstm, ["char_cnn"] = cnn }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Reads bilm-tf's <c>options.json</c> (keys it does not need, such as training settings, are ignored);
    /// throws naming a missing or mistyped key.</summary>
    public static ElmoConfig FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"options.json is not valid JSON: {e.Message}", e);
        }
        var lstm = root?["lstm"] as JsonObject ?? throw new InvalidDataException("options.json has no 'lstm' object.");
        var cnn = root["char_cnn"] as JsonObject ?? throw new InvalidDataException("options.json has no 'char_cnn' object (only character-input models are supported).");
        try
        {
            var c = new ElmoConfig
            {
                LstmDim = Required(lstm, "dim", "lstm").GetValue<int>(),
                ProjectionDim = Required(lstm, "projection_dim", "lstm").GetValue<int>(),
                LstmLayers = lstm["n_layers"]?.GetValue<int>() ?? 1,
                CellClip = lstm["cell_clip"]?.GetValue<float>(),
                ProjectionClip = lstm["proj_clip"]?.GetValue<float>(),
                UseSkipConnections = lstm["use_skip_connections"]?.GetValue<bool>() ?? false,
                CharEmbeddingDim = (Required(cnn, "embedding", "char_cnn")["dim"] ?? throw new InvalidDataException("options.json lacks 'char_cnn.embedding.dim'.")).GetValue<int>(),
                Filters = Required(cnn, "filters", "char_cnn").AsArray().Select(f => f.AsArray().Select(v => v.GetValue<int>()).ToArray()).ToArray(),
                HighwayLayers = cnn["n_highway"]?.GetValue<int>() ?? 0,
                CharacterCount = Required(cnn, "n_characters", "char_cnn").GetValue<int>(),
                MaxCharactersPerToken = Required(cnn, "max_characters_per_token", "char_cnn").GetValue<int>(),
                Activation = Required(cnn, "activation", "char_cnn").GetValue<string>(),
            };
            return c;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"options.json has a value of the wrong type: {e.Message}", e);
        }
    }

    private static JsonNode Required(JsonObject o, string key, string parent) =>
        o[key] ?? throw new InvalidDataException($"options.json lacks '{parent}.{key}'.");
}
