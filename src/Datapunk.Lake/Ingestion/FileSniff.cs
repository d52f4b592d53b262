using System.Text.Json;

namespace Datapunk.Lake.Ingestion;

/// <summary>The first bytes of a file and what they show, for format detection.</summary>
public sealed class FileSniff
{
    /// <summary>How many bytes of each file are read for detection.</summary>
    public const int HeadLength = 64 * 1024;

    private JsonShape? _json;

    public FileSniff(string path, long length, ReadOnlyMemory<byte> head)
    {
        Path = path;
        Length = length;
        Head = head;
    }

    /// <summary>The path inside the archive or folder, with '/' separators.</summary>
    public string Path { get; }

    public string FileName => System.IO.Path.GetFileName(Path);

    public string Extension => System.IO.Path.GetExtension(Path).ToLowerInvariant();

    public long Length { get; }

    /// <summary>Up to <see cref="HeadLength"/> bytes from the start of the file, without a UTF-8 byte-order mark.</summary>
    public ReadOnlyMemory<byte> Head { get; }

    /// <summary>True when the head is the whole file.</summary>
    public bool HeadIsWholeFile => Head.Length >= Length;

    /// <summary>The JSON structure seen in the head, or <see cref="JsonShape.None"/> when the file does not start like JSON.</summary>
    public JsonShape Json => _json ??= JsonShape.Read(Head.Span, HeadIsWholeFile);

    /// <summary>True when a path segment (a folder or the file name) equals one of <paramref name="names"/>, ignoring case.</summary>
    public bool PathHas(params ReadOnlySpan<string> names)
    {
        foreach (var segment in Path.Split('/'))
        {
            foreach (var name in names)
            {
                if (string.Equals(segment, name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}

/// <summary>
/// The property names near the top of a JSON document: those of the root object, or of the first element
/// of a root array, and those one level further down. Enough to tell the Takeout formats apart.
/// </summary>
public sealed class JsonShape
{
    private const int MaxNames = 256;

    public static readonly JsonShape None = new(JsonValueKind.Undefined, [], [], null);

    private JsonShape(JsonValueKind root, HashSet<string> topNames, HashSet<string> nestedNames, string? error)
    {
        Root = root;
        TopNames = topNames;
        NestedNames = nestedNames;
        Error = error;
    }

    /// <summary>Object or Array; Undefined when the head is not JSON.</summary>
    public JsonValueKind Root { get; }

    /// <summary>Property names of the root object, or of the first object in the root array.</summary>
    public IReadOnlySet<string> TopNames { get; }

    /// <summary>Property names one level below <see cref="TopNames"/>.</summary>
    public IReadOnlySet<string> NestedNames { get; }

    /// <summary>A syntax error found inside the head, with its position; null when the head is valid so far.</summary>
    public string? Error { get; }

    public bool IsObject => Root == JsonValueKind.Object;

    public bool IsArray => Root == JsonValueKind.Array;

    public bool Has(string name) => TopNames.Contains(name);

    internal static JsonShape Read(ReadOnlySpan<byte> head, bool isFinalBlock)
    {
        var start = 0;
        while (start < head.Length && head[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            start++;
        }

        if (start == head.Length || head[start] is not ((byte)'{' or (byte)'['))
        {
            return None;
        }

        var reader = new Utf8JsonReader(head, isFinalBlock, default);
        var top = new HashSet<string>(StringComparer.Ordinal);
        var nested = new HashSet<string>(StringComparer.Ordinal);
        var root = head[start] == (byte)'{' ? JsonValueKind.Object : JsonValueKind.Array;

        // For a root object the interesting names are at depth 1; for a root array, inside its first element at depth 2.
        var topDepth = root == JsonValueKind.Object ? 1 : 2;
        var firstElementDone = false;
        try
        {
            while (reader.Read() && top.Count + nested.Count < MaxNames)
            {
                if (root == JsonValueKind.Array && reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 1)
                {
                    firstElementDone = true;
                }

                if (reader.TokenType != JsonTokenType.PropertyName || firstElementDone)
                {
                    continue;
                }

                if (reader.CurrentDepth == topDepth)
                {
                    top.Add(reader.GetString()!);
                }
                else if (reader.CurrentDepth == topDepth + 1 || reader.CurrentDepth == topDepth + 2)
                {
                    nested.Add(reader.GetString()!);
                }
            }
        }
        catch (JsonException exception)
        {
            var position = $"line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1} of the line";
            return new JsonShape(root, top, nested, $"{position}: {exception.Message}");
        }
        catch (InvalidOperationException)
        {
            // GetString throws on a property name that is not valid UTF-8; the full parse reports where.
        }

        return new JsonShape(root, top, nested, null);
    }
}
