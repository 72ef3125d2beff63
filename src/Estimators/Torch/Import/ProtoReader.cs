using System.Text;

namespace MLNetContextual.Torch.Import;

/// <summary>
/// The protobuf wire format, just enough to walk an ONNX ModelProto: varints, fixed 32/64, length-delimited fields.
/// Unknown fields are skipped, so newer ONNX files read as well as older ones.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> data = data;
    private int position;

    public readonly bool End => position >= data.Length;

    /// <summary>Reads the next tag: field number and wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).</summary>
    public (int Field, int WireType) ReadTag()
    {
        ulong tag = ReadVarint();
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length) throw new InvalidDataException("Truncated protobuf varint.");
            byte b = data[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("Malformed protobuf varint (more than 10 bytes).");
    }

    public ReadOnlySpan<byte> ReadBytes() => Take(checked((int)ReadVarint()));

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    public float ReadFixed32Float() => BitConverter.ToSingle(Take(4));

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0: ReadVarint(); break;
            case 1: Take(8); break;
            case 2: ReadBytes(); break;
            case 5: Take(4); break;
            default: throw new InvalidDataException($"Unsupported protobuf wire type {wireType} at byte {position}.");
        }
    }

    /// <summary>A repeated int64 field: packed (wire type 2) or one value per tag (wire type 0).</summary>
    public void ReadInt64s(int wireType, List<long> into)
    {
        if (wireType == 0) { into.Add((long)ReadVarint()); return; }
        var inner = new ProtoReader(ReadBytes());
        while (!inner.End) into.Add((long)inner.ReadVarint());
    }

    /// <summary>A repeated float field: packed (wire type 2) or one value per tag (wire type 5).</summary>
    public void ReadFloats(int wireType, List<float> into)
    {
        if (wireType == 5) { into.Add(ReadFixed32Float()); return; }
        var bytes = ReadBytes();
        for (int i = 0; i + 4 <= bytes.Length; i += 4) into.Add(BitConverter.ToSingle(bytes[i..]));
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length < 0 || position + length > data.Length)
            throw new InvalidDataException($"Truncated protobuf field: {length} bytes wanted at byte {position}, {data.Length - position} left.");
        var span = data.Slice(position, length);
        position += length;
        return span;
    }
}
