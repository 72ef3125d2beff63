using System.Text;

namespace MLNetContextual.Torch.Import;

/// <summary>
/// The protobuf wire format, just enough to walk an ONNX ModelProto: varints, fixed 32/64, length-delimited fields.
/// Unknown fields are skipped, so newer ONNX files read as well as older ones. Every length is checked against the bytes
/// left before it is used; every error is an <see cref="InvalidDataException"/> naming the model, the absolute byte
/// offset, what was expected and what was found.
/// </summary>
internal ref struct ProtoReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);
    private readonly ReadOnlySpan<byte> data;
    private readonly long origin;
    private readonly string name;
    private int position;

    /// <param name="data">The message's bytes.</param>
    /// <param name="name">The model's name, for errors.</param>
    /// <param name="origin">Offset of <paramref name="data"/> in the whole file, for errors.</param>
    public ProtoReader(ReadOnlySpan<byte> data, string name = "ONNX model", long origin = 0)
    {
        this.data = data;
        this.name = name;
        this.origin = origin;
    }

    public readonly bool End => position >= data.Length;

    /// <summary>Absolute offset of the next byte in the file.</summary>
    public readonly long Offset => origin + position;

    public readonly InvalidDataException Error(long at, string expected, string found) =>
        new($"ONNX model '{name}', byte {at}: expected {expected}; found {found}.");

    /// <summary>Reads the next tag: field number and wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).</summary>
    public (int Field, int WireType) ReadTag()
    {
        long at = Offset;
        ulong tag = ReadVarint();
        ulong field = tag >> 3;
        if (field == 0 || field > (1 << 29) - 1)
            throw Error(at, "a field number from 1 to 536870911", field.ToString());
        return ((int)field, (int)(tag & 7));
    }

    public ulong ReadVarint()
    {
        long at = Offset;
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length) throw Error(at, "a varint", "the end of the message");
            byte b = data[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
        throw Error(at, "a varint of at most 10 bytes", "a longer one");
    }

    /// <summary>A length-delimited field's bytes.</summary>
    public ReadOnlySpan<byte> ReadBytes() => Take(ReadLength());

    /// <summary>A length-delimited field as a reader of its own (offsets stay absolute).</summary>
    public ProtoReader ReadMessage()
    {
        int length = ReadLength();
        long at = Offset;
        return new ProtoReader(Take(length), name, at);
    }

    public string ReadString()
    {
        long at = Offset;
        var bytes = ReadBytes();
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { throw Error(at, "a UTF-8 string", $"{bytes.Length} bytes that are not UTF-8"); }
    }

    public float ReadFixed32Float() => BitConverter.ToSingle(Take(4));

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0: ReadVarint(); break;
            case 1: Take(8); break;
            case 2: ReadBytes(); break;
            case 5: Take(4); break;
            default: throw Error(Offset, "a wire type 0, 1, 2 or 5", wireType.ToString());
        }
    }

    /// <summary>A repeated int64 field: packed (wire type 2) or one value per tag (wire type 0).</summary>
    public void ReadInt64s(int wireType, List<long> into)
    {
        if (wireType == 0) { into.Add((long)ReadVarint()); return; }
        if (wireType != 2) throw Error(Offset, "a repeated int64 (wire type 0 or 2)", $"wire type {wireType}");
        var inner = ReadMessage();
        while (!inner.End) into.Add((long)inner.ReadVarint());
    }

    /// <summary>A repeated float field: packed (wire type 2) or one value per tag (wire type 5).</summary>
    public void ReadFloats(int wireType, List<float> into)
    {
        if (wireType == 5) { into.Add(ReadFixed32Float()); return; }
        if (wireType != 2) throw Error(Offset, "a repeated float (wire type 2 or 5)", $"wire type {wireType}");
        long at = Offset;
        var bytes = ReadBytes();
        if (bytes.Length % 4 != 0) throw Error(at, "packed floats (a multiple of 4 bytes)", $"{bytes.Length} bytes");
        for (int i = 0; i < bytes.Length; i += 4) into.Add(BitConverter.ToSingle(bytes[i..]));
    }

    private int ReadLength()
    {
        long at = Offset;
        ulong length = ReadVarint();
        if (length > (ulong)(data.Length - position))
            throw Error(at, $"a field length of at most the {data.Length - position} bytes left", length.ToString());
        return (int)length;
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length < 0 || length > data.Length - position)
            throw Error(Offset, $"{length} bytes", $"{data.Length - position} left in the message");
        var span = data.Slice(position, length);
        position += length;
        return span;
    }
}
