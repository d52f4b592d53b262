using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Datapunk.Lake.Ingestion.Json;

/// <summary>Reads one JSON value with a <see cref="Utf8JsonReader"/> positioned on its first token.</summary>
public delegate T JsonValueReader<out T>(ref Utf8JsonReader reader);

/// <summary>One element of a streamed array, with its byte offset in the file and its index in the array.</summary>
public readonly record struct JsonItem(JsonElement Element, long Offset, int Index);

/// <summary>
/// Reads a JSON document of any size from a stream with a bounded buffer: token by token to walk the
/// outer structure, and one whole value at a time for the items of a large array.
/// </summary>
/// <remarks>
/// The buffer only grows to hold the largest single value read with <see cref="TryReadElement{T}"/>, so
/// memory depends on the largest item, not on the file. Line and column numbers in errors count from the
/// start of the file because <see cref="JsonReaderState"/> carries them from one buffer to the next.
/// </remarks>
public sealed class JsonStreamReader : IDisposable
{
    /// <summary>The default limit on the size of a single value, and so on the buffer.</summary>
    public const int DefaultMaxValueBytes = 256 * 1024 * 1024;

    private const int InitialBufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly int _maxValueBytes;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _bufferOffset;
    private bool _isFinalBlock;
    private bool _started;
    private JsonReaderState _state;

    public JsonStreamReader(Stream stream, int maxValueBytes = DefaultMaxValueBytes)
    {
        _stream = stream;
        _maxValueBytes = maxValueBytes;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        _state = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
    }

    /// <summary>The type of the token read last.</summary>
    public JsonTokenType TokenType { get; private set; } = JsonTokenType.None;

    /// <summary>The name read last, when <see cref="TokenType"/> is <see cref="JsonTokenType.PropertyName"/>.</summary>
    public string? PropertyName { get; private set; }

    /// <summary>The value of the last string token, when <see cref="TokenType"/> is <see cref="JsonTokenType.String"/>.</summary>
    public string? StringValue { get; private set; }

    /// <summary>Byte offset in the file of the token read last.</summary>
    public long TokenOffset { get; private set; }

    /// <summary>
    /// Reads the next token. Returns <see cref="JsonTokenType.None"/> at the end of the document.
    /// </summary>
    public JsonTokenType Read()
    {
        EnsureStarted();
        while (true)
        {
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _isFinalBlock, _state);
            bool read;
            try
            {
                read = reader.Read();
            }
            catch (JsonException exception)
            {
                throw Invalid(exception);
            }

            if (read)
            {
                TokenType = reader.TokenType;
                TokenOffset = _bufferOffset + _start + reader.TokenStartIndex;
                PropertyName = TokenType == JsonTokenType.PropertyName ? GetString(ref reader) : null;
                StringValue = TokenType == JsonTokenType.String ? GetString(ref reader) : null;
                Advance(ref reader);
                return TokenType;
            }

            if (_isFinalBlock)
            {
                TokenType = JsonTokenType.None;
                return TokenType;
            }

            Fill();
        }
    }

    /// <summary>Reads the next token and checks that it is of the expected type.</summary>
    public void Expect(JsonTokenType expected, string what)
    {
        var actual = Read();
        if (actual != expected)
        {
            throw new ImportFormatException(
                $"Expected {what} ({expected}) but found {Describe(actual)}.",
                PositionAt(TokenOffset));
        }
    }

    /// <summary>
    /// Skips the value after the property name read last, token by token, so a skipped value may be of any size.
    /// </summary>
    public void SkipValue()
    {
        var depth = 0;
        do
        {
            var token = Read();
            if (token == JsonTokenType.None)
            {
                throw Truncated();
            }

            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                depth++;
            }
            else if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                depth--;
            }
        }
        while (depth > 0);
    }

    /// <summary>
    /// Reads the next element of the array that the reader is inside, whole, with <paramref name="read"/>.
    /// Returns false, having read the end of the array, when there are no more elements.
    /// </summary>
    public bool TryReadElement<T>(JsonValueReader<T> read, out T value, out long offset)
    {
        EnsureStarted();
        while (true)
        {
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _isFinalBlock, _state);
            try
            {
                if (!reader.Read())
                {
                    if (_isFinalBlock)
                    {
                        throw Truncated();
                    }

                    Fill();
                    continue;
                }

                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    TokenType = JsonTokenType.EndArray;
                    TokenOffset = _bufferOffset + _start + reader.TokenStartIndex;
                    Advance(ref reader);
                    value = default!;
                    offset = TokenOffset;
                    return false;
                }

                offset = _bufferOffset + _start + reader.TokenStartIndex;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    var probe = reader;
                    if (!probe.TrySkip())
                    {
                        Fill();
                        continue;
                    }
                }
            }
            catch (JsonException exception)
            {
                throw Invalid(exception);
            }

            // Utf8JsonReader checks the UTF-8 of a string only when the string is decoded, so a bad byte in a
            // property that the importer skips would pass unseen. The item's raw bytes are checked here instead.
            var itemStart = (int)reader.TokenStartIndex;
            try
            {
                value = read(ref reader);
            }
            catch (JsonException exception)
            {
                throw new ImportFormatException($"Invalid item: {exception.Message}", PositionAt(offset), exception);
            }
            catch (InvalidOperationException exception) when (exception.InnerException is DecoderFallbackException || exception.Message.Contains("UTF-8", StringComparison.Ordinal))
            {
                throw InvalidUtf8(offset, exception);
            }

            var itemBytes = _buffer.AsSpan(_start + itemStart, (int)reader.BytesConsumed - itemStart);
            if (!Utf8.IsValid(itemBytes))
            {
                (value as IDisposable)?.Dispose();
                throw InvalidUtf8(offset + FirstInvalidUtf8(itemBytes), new DecoderFallbackException("Invalid UTF-8 in an array item."));
            }

            TokenType = reader.TokenType;
            TokenOffset = offset;
            Advance(ref reader);
            return true;
        }
    }

    /// <summary>
    /// Reads the remaining elements of the array that the reader is inside, each as a <see cref="JsonElement"/>
    /// that is valid until the next element is requested.
    /// </summary>
    public IEnumerable<JsonItem> ReadArrayItems()
    {
        var index = 0;
        while (TryReadElement(static (ref Utf8JsonReader reader) => JsonDocument.ParseValue(ref reader), out var document, out var offset))
        {
            using (document)
            {
                yield return new JsonItem(document.RootElement, offset, index++);
            }
        }
    }

    /// <summary>Describes a byte offset for an error message.</summary>
    public string PositionAt(long offset) =>
        string.Create(CultureInfo.InvariantCulture, $"byte {offset}");

    /// <summary>Reads to the end of the document and fails if anything but whitespace follows the root value.</summary>
    public void ExpectEnd()
    {
        if (Read() != JsonTokenType.None)
        {
            throw new ImportFormatException($"Unexpected {Describe(TokenType)} after the end of the document.", PositionAt(TokenOffset));
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void EnsureStarted()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        Fill();

        // A UTF-8 byte-order mark is allowed before JSON text (RFC 8259, section 8.1) but the reader rejects it.
        if (_end - _start >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
        {
            _start = 3;
        }
    }

    private void Advance(ref Utf8JsonReader reader)
    {
        _start += (int)reader.BytesConsumed;
        _state = reader.CurrentState;
    }

    /// <summary>Moves the unread bytes to the front of the buffer, grows it when it is full, and reads more.</summary>
    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _bufferOffset += _start;
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= _maxValueBytes)
            {
                throw new ImportFormatException(
                    $"A single JSON value is larger than {_maxValueBytes / (1024 * 1024)} MiB, the most this reader holds in memory.",
                    PositionAt(_bufferOffset));
            }

            var larger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, _maxValueBytes));
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _isFinalBlock = true;
        }

        _end += read;
    }

    private string GetString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException exception)
        {
            throw InvalidUtf8(_bufferOffset + _start + reader.TokenStartIndex, exception);
        }
    }

    private ImportFormatException Invalid(JsonException exception)
    {
        var line = (exception.LineNumber ?? 0) + 1;
        var column = (exception.BytePositionInLine ?? 0) + 1;
        var position = string.Create(CultureInfo.InvariantCulture, $"line {line}, column {column}");
        // The reader's message ends with its own buffer-relative position, which the position above replaces.
        var message = exception.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        var atEnd = _isFinalBlock && (message.Contains("depth to be zero", StringComparison.Ordinal) || message.Contains("end of data", StringComparison.OrdinalIgnoreCase));
        var detail = atEnd
            ? "The file ends in the middle of the JSON document; it is probably truncated. Export or download it again."
            : "Invalid JSON: " + message;
        return new ImportFormatException(detail, position, exception);
    }

    /// <summary>The index of the first byte that is not part of a valid UTF-8 sequence.</summary>
    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var index = 0;
        while (index < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[index..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return index;
            }

            index += consumed;
        }

        return index;
    }

    private ImportFormatException Truncated() =>
        new("The file ends in the middle of the JSON document; it is probably truncated. Export or download it again.",
            PositionAt(_bufferOffset + _end));

    private ImportFormatException InvalidUtf8(long offset, Exception exception) =>
        new("The text is not valid UTF-8. Check that the file was not re-encoded (for example to Latin-1) after export.",
            PositionAt(offset), exception);

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.None => "the end of the file",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.PropertyName => "a property name",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
