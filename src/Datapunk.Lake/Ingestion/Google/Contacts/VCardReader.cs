using System.Text;

namespace Datapunk.Lake.Ingestion.Google.Contacts;

/// <summary>
/// Reads vCards 2.1, 3.0 (RFC 2426) and 4.0 (RFC 6350) from a stream, one card at a time, so memory grows with the
/// largest card and not with the file.
/// </summary>
/// <remarks>
/// Written by hand because no vCard package that NuGet serves here both streams and reads all three versions.
/// It handles what exporters write: lines folded with CRLF or LF followed by a space or tab; vCard 2.1
/// QUOTED-PRINTABLE values with soft line breaks (<c>=</c> at the end of a line) and a CHARSET; bare 2.1 parameters
/// (<c>TEL;CELL;HOME:</c>); quoted and comma-separated parameter values; groups (<c>item1.EMAIL</c>); base64 values,
/// whose bytes are counted, not kept. The text is read as Latin-1 so every byte survives until the value's charset
/// (UTF-8 unless a CHARSET parameter names another) decodes it.
/// </remarks>
internal sealed class VCardReader
{
    private readonly Stream _content;

    static VCardReader()
    {
        // vCard 2.1 files name Windows and ISO code pages in CHARSET.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public VCardReader(Stream content)
    {
        _content = content;
    }

    /// <exception cref="ImportFormatException">A card is not closed, or a line is not a vCard property.</exception>
    public IEnumerable<VCard> ReadCards(CancellationToken cancellationToken)
    {
        List<VCardProperty>? properties = null;
        var cardLine = 0;
        var nestedDepth = 0;

        foreach (var (text, line) in ReadLogicalLines())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var property = ParseProperty(text, line);
            var isBegin = property.Name == "BEGIN" && property.Value.Trim().Equals("VCARD", StringComparison.OrdinalIgnoreCase);
            var isEnd = property.Name == "END" && property.Value.Trim().Equals("VCARD", StringComparison.OrdinalIgnoreCase);

            if (properties is null)
            {
                if (!isBegin)
                {
                    throw new ImportFormatException($"Line {line} is outside any vCard: expected BEGIN:VCARD, found '{Shorten(text)}'.", $"line {line}");
                }

                properties = [];
                cardLine = line;
                continue;
            }

            // A vCard 2.1 AGENT can hold a whole card inline; its lines are skipped, not mixed into the outer card.
            if (isBegin)
            {
                nestedDepth++;
                continue;
            }

            if (isEnd && nestedDepth > 0)
            {
                nestedDepth--;
                continue;
            }

            if (isEnd)
            {
                yield return new VCard(cardLine, properties);
                properties = null;
                continue;
            }

            if (nestedDepth == 0)
            {
                properties.Add(property);
            }
        }

        if (properties is not null)
        {
            throw new ImportFormatException(
                $"The file ends inside the vCard that begins on line {cardLine}: its END:VCARD is missing, so the file is probably truncated. No contact of this file was imported; export the contacts again.",
                $"line {cardLine}");
        }
    }

    /// <summary>Yields each content line with folding and quoted-printable soft line breaks undone.</summary>
    private IEnumerable<(string Text, int Line)> ReadLogicalLines()
    {
        using var reader = new StreamReader(_content, Encoding.Latin1, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16, leaveOpen: true);
        var current = new StringBuilder();
        var currentLine = 0;
        var lineNumber = 0;
        string? physical;

        while ((physical = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (lineNumber == 1 && physical.StartsWith("\u00EF\u00BB\u00BF", StringComparison.Ordinal))
            {
                physical = physical[3..];
            }

            if (currentLine > 0 && physical.Length > 0 && physical[0] is ' ' or '\t')
            {
                current.Append(physical, 1, physical.Length - 1);
                continue;
            }

            if (currentLine > 0 && EndsWithSoftLineBreak(current))
            {
                current.Length--;
                current.Append(physical);
                continue;
            }

            if (currentLine > 0)
            {
                yield return (current.ToString(), currentLine);
            }

            current.Clear().Append(physical);
            currentLine = lineNumber;
        }

        if (currentLine > 0)
        {
            yield return (current.ToString(), currentLine);
        }
    }

    /// <summary>True when a quoted-printable value ends with '=', which continues it on the next line.</summary>
    private static bool EndsWithSoftLineBreak(StringBuilder line)
    {
        if (line.Length == 0 || line[^1] != '=')
        {
            return false;
        }

        var text = line.ToString();
        var colon = FindValueStart(text);
        return colon > 0 && text.AsSpan(0, colon).Contains("QUOTED-PRINTABLE", StringComparison.OrdinalIgnoreCase);
    }

    private static VCardProperty ParseProperty(string text, int line)
    {
        var colon = FindValueStart(text);
        if (colon <= 0)
        {
            throw new ImportFormatException($"Line {line} is not a vCard property (NAME:value): '{Shorten(text)}'.", $"line {line}");
        }

        var head = SplitOutsideQuotes(text[..colon], ';');
        var name = head[0].Trim();
        string? group = null;
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            group = name[..dot];
            name = name[(dot + 1)..];
        }

        var parameters = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var parameter in head.Skip(1))
        {
            AddParameter(parameters, parameter);
        }

        var raw = text[(colon + 1)..];
        var encoding = parameters.TryGetValue("ENCODING", out var encodings) ? encodings[0].ToUpperInvariant() : null;
        var readOnly = parameters.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);

        if (encoding is "B" or "BASE64")
        {
            return new VCardProperty(group, name.ToUpperInvariant(), readOnly, string.Empty, Base64Length(raw), line);
        }

        var bytes = encoding == "QUOTED-PRINTABLE" ? DecodeQuotedPrintable(raw) : Encoding.Latin1.GetBytes(raw);
        var charset = parameters.TryGetValue("CHARSET", out var charsets) ? charsets[0] : "utf-8";
        return new VCardProperty(group, name.ToUpperInvariant(), readOnly, Decode(bytes, charset), null, line);
    }

    private static void AddParameter(Dictionary<string, List<string>> parameters, string parameter)
    {
        var equals = parameter.IndexOf('=', StringComparison.Ordinal);
        string name;
        string value;
        if (equals < 0)
        {
            // vCard 2.1 allows a bare value; it is an encoding or a type.
            value = parameter.Trim();
            name = value.ToUpperInvariant() is "QUOTED-PRINTABLE" or "BASE64" or "8BIT" or "7BIT" ? "ENCODING" : "TYPE";
        }
        else
        {
            name = parameter[..equals].Trim().ToUpperInvariant();
            value = parameter[(equals + 1)..];
        }

        if (!parameters.TryGetValue(name, out var values))
        {
            values = [];
            parameters[name] = values;
        }

        // TYPE is a list even inside quotes: vCard 4.0 writers send TYPE="work,pref".
        var items = name == "TYPE" ? value.Replace("\"", string.Empty, StringComparison.Ordinal).Split(',') : [.. SplitOutsideQuotes(value, ',')];
        foreach (var item in items)
        {
            var unquoted = item.Trim().Trim('"');
            if (unquoted.Length > 0)
            {
                values.Add(name == "TYPE" ? unquoted.ToLowerInvariant() : unquoted);
            }
        }
    }

    /// <summary>The index of the colon that ends the name and parameters; colons inside quoted parameter values do not count.</summary>
    private static int FindValueStart(string text)
    {
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (text[i] == ':' && !quoted)
            {
                return i;
            }
        }

        return -1;
    }

    private static List<string> SplitOutsideQuotes(string text, char separator)
    {
        var parts = new List<string>();
        var quoted = false;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (text[i] == separator && !quoted)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }

    /// <summary>Decodes quoted-printable (RFC 2045, section 6.7); an '=' not followed by two hex digits is kept as it is.</summary>
    private static byte[] DecodeQuotedPrintable(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '=' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
            {
                bytes.Add((byte)Convert.ToInt32(text.Substring(i + 1, 2), 16));
                i += 2;
                continue;
            }

            bytes.Add((byte)text[i]);
        }

        return [.. bytes];
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static string Decode(byte[] bytes, string charset)
    {
        Encoding encoding;
        try
        {
            encoding = Encoding.GetEncoding(charset);
        }
        catch (ArgumentException)
        {
            // An unknown CHARSET: UTF-8 is what modern exporters write, and invalid bytes become U+FFFD.
            encoding = Encoding.UTF8;
        }

        return encoding.GetString(bytes);
    }

    /// <summary>The decoded length of base64 text, padded or not, ignoring white space.</summary>
    internal static long Base64Length(ReadOnlySpan<char> raw)
    {
        long characters = 0;
        foreach (var c in raw)
        {
            if (c != '=' && !char.IsWhiteSpace(c))
            {
                characters++;
            }
        }

        return characters * 3 / 4;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
