using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;

namespace Datapunk.Lake.Ingestion.Html;

/// <summary>
/// Splits an HTML file into start tags, end tags and text, reading the stream through a bounded buffer.
/// </summary>
/// <remarks>
/// This is a small hand-written tokenizer, not a full HTML5 parser, because the HTML libraries served here
/// (AngleSharp, HtmlAgilityPack) build a DOM of the whole document, and the pages it reads (My Activity,
/// Netscape bookmark files) reach hundreds of MB. It works on UTF-8 bytes so that every token has an exact
/// byte offset for error messages. What it does not do: tree building, implied end tags, character sets
/// other than UTF-8. Comments, doctypes, processing instructions and the content of <c>script</c> and
/// <c>style</c> are skipped. Text and attribute values come back with character references decoded.
/// Memory is bounded by the largest single token, at most <see cref="MaxTokenBytes"/>.
/// </remarks>
internal sealed class HtmlTokenizer : IDisposable
{
    /// <summary>The largest tag or run of text between two tags that the tokenizer keeps in memory.</summary>
    public const int MaxTokenBytes = 16 * 1024 * 1024;

    private const int InitialBufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly List<KeyValuePair<string, string>> _attributes = [];
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _bufferOffset;
    private bool _endOfStream;
    private bool _started;
    private string? _rawTextElement;

    public HtmlTokenizer(Stream stream)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    }

    public HtmlTokenKind Kind { get; private set; }

    /// <summary>The lower-case element name of the last start or end tag.</summary>
    public string Name { get; private set; } = "";

    /// <summary>The decoded text of the last text token.</summary>
    public string Text { get; private set; } = "";

    /// <summary>True when the last start tag ended with <c>/&gt;</c>.</summary>
    public bool SelfClosing { get; private set; }

    /// <summary>Byte offset in the file of the first byte of the last token.</summary>
    public long Offset { get; private set; }

    /// <summary>Byte offset in the file just past the bytes read so far.</summary>
    public long Position => _bufferOffset + _start;

    /// <summary>The decoded value of an attribute of the last start tag (names compare ignoring case), or null.</summary>
    public string? Attribute(string name)
    {
        foreach (var attribute in _attributes)
        {
            if (string.Equals(attribute.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return attribute.Value;
            }
        }

        return null;
    }

    /// <summary>True when the last start tag has <paramref name="className"/> among the words of its class attribute.</summary>
    public bool HasClass(string className)
    {
        var classes = Attribute("class");
        if (classes is null)
        {
            return false;
        }

        foreach (var word in classes.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (string.Equals(word, className, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads the next token. Returns false at the end of the file.</summary>
    /// <exception cref="ImportFormatException">The file ends inside a tag or a comment, or a token is too large.</exception>
    public bool Read()
    {
        EnsureStarted();
        while (true)
        {
            if (_start == _end && !Fill())
            {
                Kind = HtmlTokenKind.None;
                return false;
            }

            var result = _rawTextElement is not null ? SkipRawText()
                : _buffer[_start] == (byte)'<' ? ReadMarkup()
                : ReadText();

            if (result == StepResult.Token)
            {
                return true;
            }

            if (result == StepResult.NeedMore && !Fill())
            {
                // Only markup needs its closing bytes; text and raw text end at the end of the file.
                throw new ImportFormatException(
                    "The file ends inside an HTML tag or comment; it is probably truncated. Export or download it again.",
                    PositionText(_bufferOffset + _start));
            }
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    /// <summary>Describes a byte offset for an error message.</summary>
    public static string PositionText(long offset) => string.Create(CultureInfo.InvariantCulture, $"byte {offset}");

    private void EnsureStarted()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        Fill();
        if (_end - _start >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
        {
            _start = 3;
        }
    }

    /// <summary>Reads text up to the next '&lt;', or to the end of the file.</summary>
    private StepResult ReadText()
    {
        var span = _buffer.AsSpan(_start, _end - _start);
        var length = span.IndexOf((byte)'<');
        if (length < 0)
        {
            if (!_endOfStream && Fill())
            {
                return StepResult.Skipped;
            }

            span = _buffer.AsSpan(_start, _end - _start);
            length = span.Length;
        }

        Kind = HtmlTokenKind.Text;
        Offset = _bufferOffset + _start;
        Text = WebUtility.HtmlDecode(Decode(span[..length]));
        _start += length;
        return StepResult.Token;
    }

    private StepResult ReadMarkup()
    {
        var span = _buffer.AsSpan(_start, _end - _start);
        if (span.Length < 2)
        {
            return _endOfStream ? ReadStrayLessThan() : StepResult.NeedMore;
        }

        var second = span[1];
        if (second == (byte)'!')
        {
            var isComment = span.Length >= 4 && span[2] == (byte)'-' && span[3] == (byte)'-';
            if (!isComment && span.Length < 4 && !_endOfStream)
            {
                return StepResult.NeedMore;
            }

            var close = isComment ? span[4..].IndexOf("-->"u8) : span.IndexOf((byte)'>');
            if (close < 0)
            {
                return StepResult.NeedMore;
            }

            _start += isComment ? 4 + close + 3 : close + 1;
            return StepResult.Skipped;
        }

        if (second == (byte)'?')
        {
            var close = span.IndexOf((byte)'>');
            if (close < 0)
            {
                return StepResult.NeedMore;
            }

            _start += close + 1;
            return StepResult.Skipped;
        }

        var isEndTag = second == (byte)'/';
        var nameStart = isEndTag ? 2 : 1;
        if (span.Length <= nameStart)
        {
            return _endOfStream ? ReadStrayLessThan() : StepResult.NeedMore;
        }

        if (!IsAsciiLetter(span[nameStart]))
        {
            return ReadStrayLessThan();
        }

        var end = FindTagEnd(span);
        if (end < 0)
        {
            return StepResult.NeedMore;
        }

        Offset = _bufferOffset + _start;
        ParseTag(Decode(span[nameStart..end]), isEndTag);
        _start += end + 1;
        return StepResult.Token;
    }

    /// <summary>Reads a '&lt;' that starts no tag (as in "a &lt; b") as text, as browsers do.</summary>
    private StepResult ReadStrayLessThan()
    {
        Kind = HtmlTokenKind.Text;
        Offset = _bufferOffset + _start;
        Text = "<";
        _start++;
        return StepResult.Token;
    }

    /// <summary>Returns the index of the '&gt;' that ends the tag at the start of <paramref name="span"/>, skipping quoted values.</summary>
    private static int FindTagEnd(ReadOnlySpan<byte> span)
    {
        byte quote = 0;
        var afterEquals = false;
        for (var i = 1; i < span.Length; i++)
        {
            var b = span[i];
            if (quote != 0)
            {
                quote = b == quote ? (byte)0 : quote;
            }
            else if (b is (byte)'"' or (byte)'\'' && afterEquals)
            {
                quote = b;
                afterEquals = false;
            }
            else if (b == (byte)'>')
            {
                return i;
            }
            else if (b == (byte)'=')
            {
                afterEquals = true;
            }
            else if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                afterEquals = false;
            }
        }

        return -1;
    }

    private void ParseTag(string tag, bool isEndTag)
    {
        _attributes.Clear();
        SelfClosing = false;
        var i = 0;
        while (i < tag.Length && !IsTagSeparator(tag[i]))
        {
            i++;
        }

        Name = tag[..i].ToLowerInvariant();
        Kind = isEndTag ? HtmlTokenKind.EndTag : HtmlTokenKind.StartTag;
        if (isEndTag)
        {
            return;
        }

        while (i < tag.Length)
        {
            while (i < tag.Length && (char.IsWhiteSpace(tag[i]) || tag[i] == '/'))
            {
                SelfClosing = tag[i] == '/' && i == tag.Length - 1;
                i++;
            }

            var nameStart = i;
            while (i < tag.Length && !char.IsWhiteSpace(tag[i]) && tag[i] is not ('=' or '/' or '>'))
            {
                i++;
            }

            if (i == nameStart)
            {
                break;
            }

            var name = tag[nameStart..i];
            while (i < tag.Length && char.IsWhiteSpace(tag[i]))
            {
                i++;
            }

            var value = "";
            if (i < tag.Length && tag[i] == '=')
            {
                i++;
                while (i < tag.Length && char.IsWhiteSpace(tag[i]))
                {
                    i++;
                }

                if (i < tag.Length && tag[i] is '"' or '\'')
                {
                    var quote = tag[i];
                    var close = tag.IndexOf(quote, i + 1);
                    close = close < 0 ? tag.Length : close;
                    value = tag[(i + 1)..close];
                    i = Math.Min(close + 1, tag.Length);
                }
                else
                {
                    var valueStart = i;
                    while (i < tag.Length && !char.IsWhiteSpace(tag[i]))
                    {
                        i++;
                    }

                    value = tag[valueStart..i];
                }
            }

            _attributes.Add(new KeyValuePair<string, string>(name, WebUtility.HtmlDecode(value)));
        }

        if (Name is "script" or "style" && !SelfClosing)
        {
            _rawTextElement = Name;
        }
    }

    /// <summary>Skips the content of a script or style element up to its end tag.</summary>
    private StepResult SkipRawText()
    {
        var endTag = Encoding.ASCII.GetBytes("</" + _rawTextElement);
        var span = _buffer.AsSpan(_start, _end - _start);
        for (var i = 0; i + endTag.Length <= span.Length; i++)
        {
            if (span[i] == (byte)'<' && Ascii.EqualsIgnoreCase(span.Slice(i, endTag.Length), endTag))
            {
                _start += i;
                _rawTextElement = null;
                return StepResult.Skipped;
            }
        }

        // Keep the last bytes, which may hold the start of the end tag.
        _start = Math.Max(_start, _end - endTag.Length);
        if (!Fill())
        {
            _start = _end;
            _rawTextElement = null;
        }

        return StepResult.Skipped;
    }

    /// <summary>Moves the unread bytes to the front, grows the buffer when full, and reads more. Returns false at the end of the stream.</summary>
    private bool Fill()
    {
        if (_endOfStream)
        {
            return false;
        }

        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _bufferOffset += _start;
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxTokenBytes)
            {
                throw new ImportFormatException(
                    $"A single HTML tag or text run is larger than {MaxTokenBytes / (1024 * 1024)} MiB, the most this reader holds in memory; the file is not a page this importer knows.",
                    PositionText(_bufferOffset));
            }

            var larger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, MaxTokenBytes));
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _endOfStream = true;
            return false;
        }

        _end += read;
        return true;
    }

    private static string Decode(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private static bool IsAsciiLetter(byte b) => b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z';

    private static bool IsTagSeparator(char c) => char.IsWhiteSpace(c) || c is '/' or '>';

    private enum StepResult
    {
        Token,
        Skipped,
        NeedMore,
    }
}
