using System.Globalization;
using System.Text.Json;
using Datapunk.Lake.Ingestion;

namespace Datapunk.Lake.Sovereignty.Export;

/// <summary>The <c>manifest.json</c> of a lake export, as <see cref="LakeExporter"/> writes it.</summary>
public sealed record ExportManifest(int Version, long Records, IReadOnlyDictionary<string, ManifestFile> Files)
{
    private static readonly string Position = $"entry '{ExportArchive.ManifestEntry}'";

    /// <summary>Reads and checks a manifest.</summary>
    /// <exception cref="ImportFormatException">The manifest is not valid JSON, is from a newer version, or lacks a field.</exception>
    public static ExportManifest Read(Stream content)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content);
        }
        catch (JsonException exception)
        {
            throw Invalid($"it is not valid JSON (line {exception.LineNumber + 1}: {exception.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("format", out var format)
                || format.ValueKind != JsonValueKind.String
                || format.GetString() != ExportArchive.ManifestFormat)
            {
                throw Invalid($"'format' is not \"{ExportArchive.ManifestFormat}\"");
            }

            if (!root.TryGetProperty("version", out var versionElement) || !versionElement.TryGetInt32(out var version) || version < 1)
            {
                throw Invalid("'version' is missing or not a positive integer");
            }

            if (version > ExportArchive.ManifestVersion)
            {
                throw new ImportFormatException(
                    string.Create(CultureInfo.InvariantCulture,
                        $"The lake export has manifest version {version}, but this build reads version {ExportArchive.ManifestVersion} at most. Import it with a newer version of Datapunk Lake."),
                    Position);
            }

            if (!root.TryGetProperty("records", out var recordsElement) || !recordsElement.TryGetInt64(out var records) || records < 0)
            {
                throw Invalid("'records' is missing or not a count");
            }

            if (!root.TryGetProperty("files", out var filesElement) || filesElement.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("'files' is missing or not an array");
            }

            var files = new Dictionary<string, ManifestFile>(StringComparer.Ordinal);
            var index = 0;
            foreach (var file in filesElement.EnumerateArray())
            {
                var entry = ReadFile(file, index);
                if (!files.TryAdd(entry.Path, entry))
                {
                    throw Invalid($"'files' lists '{entry.Path}' twice");
                }

                index++;
            }

            return new ExportManifest(version, records, files);
        }
    }

    private static ManifestFile ReadFile(JsonElement file, int index)
    {
        if (file.ValueKind == JsonValueKind.Object
            && file.TryGetProperty("path", out var path) && path.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(path.GetString())
            && file.TryGetProperty("sha256", out var sha256) && sha256.ValueKind == JsonValueKind.String && ExportedRecordParser.IsSha256(sha256.GetString())
            && file.TryGetProperty("size", out var size) && size.TryGetInt64(out var length) && length >= 0)
        {
            return new ManifestFile(path.GetString()!, sha256.GetString()!, length);
        }

        throw Invalid(string.Create(CultureInfo.InvariantCulture,
            $"files[{index}] needs a 'path', a 'sha256' of 64 lower-case hex digits and a 'size' in bytes"));
    }

    private static ImportFormatException Invalid(string problem) => new(
        $"The {ExportArchive.ManifestEntry} of the lake export is invalid: {problem}. Nothing was imported from the export; write it again with 'lake export'.",
        Position);
}
