using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Datapunk.Lake.Ingestion;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Sovereignty.Export;

/// <summary>
/// Reads one line of an export's <c>records.ndjson</c> back into a <see cref="LakeRecord"/>, checking every field
/// that <see cref="LakeExporter"/> writes, so that a restored record equals the exported one.
/// </summary>
/// <remarks>
/// Times must be in the round-trip form that the exporter writes (<c>2023-05-01T08:15:30.0000000+02:00</c>), because
/// a looser form could shift a time or lose its offset. Properties the exporter does not write are ignored, so a
/// later version may add some. The import id of the provenance is read but not kept: a restored record belongs to the
/// import that restored it.
/// </remarks>
public static class ExportedRecordParser
{
    /// <summary>Parses one line, numbered from 1.</summary>
    /// <exception cref="ImportFormatException">The line is not a valid exported record. The message names the field.</exception>
    public static LakeRecord Parse(ReadOnlyMemory<byte> line, long lineNumber)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException exception)
        {
            throw Invalid(lineNumber, $"it is not valid JSON ({exception.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(lineNumber, "it is not a JSON object");
            }

            var id = RequiredString(root, "id", lineNumber);
            if (!IsHex(id, 32))
            {
                throw Invalid(lineNumber, $"'id' \"{id}\" is not 32 lower-case hex digits");
            }

            var start = RequiredTime(root, "start", lineNumber);
            var startOffsetKnown = root.TryGetProperty("startOffsetKnown", out var known) && known.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? known.GetBoolean()
                : throw Invalid(lineNumber, "'startOffsetKnown' is missing or not true or false");
            if (!startOffsetKnown && start.Offset != TimeSpan.Zero)
            {
                throw Invalid(lineNumber, "'start' has an offset although 'startOffsetKnown' is false");
            }

            if (!root.TryGetProperty("provenance", out var provenance) || provenance.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(lineNumber, "'provenance' is missing or not an object");
            }

            var blob = RequiredString(provenance, "blob", lineNumber, "provenance.");
            if (!IsSha256(blob))
            {
                throw Invalid(lineNumber, $"'provenance.blob' \"{blob}\" is not a SHA-256 of 64 lower-case hex digits");
            }

            JsonObject? attributes = null;
            if (root.TryGetProperty("attributes", out var attributesElement) && attributesElement.ValueKind != JsonValueKind.Null)
            {
                attributes = attributesElement.ValueKind == JsonValueKind.Object
                    ? JsonObject.Create(attributesElement.Clone())
                    : throw Invalid(lineNumber, "'attributes' is not an object or null");
            }

            return new LakeRecord(
                Id: id,
                Dataset: RequiredString(root, "dataset", lineNumber),
                Kind: RequiredString(root, "kind", lineNumber),
                Start: start,
                StartOffsetKnown: startOffsetKnown,
                End: OptionalTime(root, "end", lineNumber),
                Latitude: OptionalNumber(root, "latitude", lineNumber),
                Longitude: OptionalNumber(root, "longitude", lineNumber),
                AccuracyMeters: OptionalNumber(root, "accuracyMeters", lineNumber),
                Title: OptionalString(root, "title", lineNumber),
                Text: OptionalString(root, "text", lineNumber),
                Attributes: attributes,
                Provenance: new Provenance(
                    blob,
                    RequiredString(provenance, "path", lineNumber, "provenance."),
                    OptionalString(provenance, "pointer", lineNumber, "provenance."),
                    OptionalInteger(provenance, "byteOffset", lineNumber, "provenance."),
                    ImportId: ""));
        }
    }

    /// <summary>True for 64 lower-case hex digits, the form of every blob hash in the lake.</summary>
    public static bool IsSha256(string? value) => value is not null && IsHex(value, 64);

    private static bool IsHex(string value, int length) =>
        value.Length == length && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private static string RequiredString(JsonElement parent, string name, long lineNumber, string prefix = "") =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw Invalid(lineNumber, $"'{prefix}{name}' is missing or not a non-empty string");

    private static string? OptionalString(JsonElement parent, string name, long lineNumber, string prefix = "")
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw Invalid(lineNumber, $"'{prefix}{name}' is not a string or null");
    }

    private static double? OptionalNumber(JsonElement parent, string name, long lineNumber)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)
            ? number
            : throw Invalid(lineNumber, $"'{name}' is not a finite number or null");
    }

    private static long? OptionalInteger(JsonElement parent, string name, long lineNumber, string prefix)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : throw Invalid(lineNumber, $"'{prefix}{name}' is not an integer or null");
    }

    private static DateTimeOffset RequiredTime(JsonElement parent, string name, long lineNumber) =>
        OptionalTime(parent, name, lineNumber) ?? throw Invalid(lineNumber, $"'{name}' is missing");

    private static DateTimeOffset? OptionalTime(JsonElement parent, string name, long lineNumber)
    {
        var text = OptionalString(parent, name, lineNumber);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw Invalid(lineNumber, $"'{name}' \"{text}\" is not a round-trip time with an offset, such as 2023-05-01T08:15:30.0000000+02:00");
    }

    private static ImportFormatException Invalid(long lineNumber, string problem) => new(
        string.Create(CultureInfo.InvariantCulture,
            $"Line {lineNumber} of {ExportArchive.RecordsEntry} in the lake export is invalid: {problem}. Nothing was imported from the export."),
        Position(lineNumber));

    /// <summary>The position of a line of records.ndjson, as import reports show it.</summary>
    public static string Position(long lineNumber) =>
        string.Create(CultureInfo.InvariantCulture, $"entry '{ExportArchive.RecordsEntry}', line {lineNumber}");
}
