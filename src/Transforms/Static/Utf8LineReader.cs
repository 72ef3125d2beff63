using System.Text;

namespace MLNetContextual;

/// <summary>
/// Reads "\n"-terminated lines (a "\r" before the "\n" is dropped) and decodes each strictly as UTF-8, so that invalid
/// bytes are reported with their exact line and byte offset. Lines are bounded only by the stream.
/// </summary>
internal sealed class Utf8LineReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);
    private readonly Stream _stream;
    private readonly string _name;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _start, _end;
    private byte[] _line = new byte[256];

    /// <param name="stream">Positioned where reading starts.</param>
    /// <param name="name">The file's name, for errors.</param>
    /// <param name="offset">The stream's offset in the file, for errors.</param>
    /// <param name="lineNumber">Lines already read before <paramref name="stream"/>'s position.</param>
    public Utf8LineReader(Stream stream, string name, long offset, int lineNumber)
    {
        _stream = stream;
        _name = name;
        Offset = offset;
        LineNumber = lineNumber;
    }

    /// <summary>The number of the line last returned (1-based).</summary>
    public int LineNumber { get; private set; }

    /// <summary>Offset in the file of the next byte.</summary>
    public long Offset { get; private set; }

    /// <summary>The next line without its line end; null at the end of the stream.</summary>
    public string ReadLine()
    {
        int length = 0;
        long lineStart = Offset;
        bool any = false;
        while (true)
        {
            if (_start == _end)
            {
                _end = _stream.Read(_buffer, 0, _buffer.Length);
                _start = 0;
                if (_end <= 0)
                {
                    _end = 0;
                    if (!any) return null;
                    break;
                }
            }
            any = true;
            int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            int stop = newline < 0 ? _end : newline;
            Append(_buffer.AsSpan(_start, stop - _start), ref length);
            Offset += stop - _start + (newline < 0 ? 0 : 1);
            _start = newline < 0 ? _end : newline + 1;
            if (newline >= 0) break;
        }
        LineNumber++;
        if (length > 0 && _line[length - 1] == '\r') length--;
        try
        {
            return StrictUtf8.GetString(_line, 0, length);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException(
                $"Line {LineNumber} of '{_name}' (byte {lineStart + Math.Max(e.Index, 0)}) is not valid UTF-8: expected UTF-8 text, found the byte 0x{(e.BytesUnknown is { Length: > 0 } b ? b[0] : 0):X2}.");
        }
    }

    private void Append(ReadOnlySpan<byte> bytes, ref int length)
    {
        if (length + bytes.Length > _line.Length)
        {
            long grown = Math.Max((long)_line.Length * 2, (long)length + bytes.Length);
            if (grown > Array.MaxLength) throw new InvalidDataException($"Line {LineNumber + 1} of '{_name}' is longer than {Array.MaxLength} bytes.");
            Array.Resize(ref _line, (int)grown);
        }
        bytes.CopyTo(_line.AsSpan(length));
        length += bytes.Length;
    }
}
