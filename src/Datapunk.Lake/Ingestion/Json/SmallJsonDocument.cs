using System.Globalization;
using System.Text.Json;

namespace Datapunk.Lake.Ingestion.Json;

/// <summary>
/// Parses a JSON file that its format keeps small (one note, one photo sidecar, one workout) as a whole
/// <see cref="JsonDocument"/>, with a size cap so that memory stays bounded whatever the file claims to be.
/// </summary>
public static class SmallJsonDocument
{
    /// <summary>The largest file parsed whole; real sidecars, notes and sessions are a few KiB.</summary>
    public const int DefaultMaxBytes = 16 * 1024 * 1024;

    /// <summary>Parses the stream, or throws <see cref="ImportFormatException"/> with the line and column of a syntax error.</summary>
    public static JsonDocument Parse(Stream content, string what, int maxBytes = DefaultMaxBytes)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = content.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new ImportFormatException(
                    string.Create(CultureInfo.InvariantCulture, $"The file is larger than {maxBytes / (1024 * 1024)} MiB, far more than {what} holds; it is probably not one."),
                    string.Create(CultureInfo.InvariantCulture, $"byte {maxBytes}"));
            }

            buffer.Write(chunk, 0, read);
        }

        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);

        // A UTF-8 byte-order mark is allowed before JSON text (RFC 8259, section 8.1) but JsonDocument rejects it.
        if (bytes.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException exception)
        {
            var line = (exception.LineNumber ?? 0) + 1;
            var column = (exception.BytePositionInLine ?? 0) + 1;

            // The parser's message ends with its own position, which the Position property carries instead.
            var message = exception.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }

            throw new ImportFormatException(
                $"Invalid JSON in {what}: {message}",
                string.Create(CultureInfo.InvariantCulture, $"line {line}, column {column}"),
                exception);
        }
    }
}
