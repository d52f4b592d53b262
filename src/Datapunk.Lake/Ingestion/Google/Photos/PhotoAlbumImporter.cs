using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Datapunk.Lake.Ingestion.Json;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion.Google.Photos;

/// <summary>
/// Google Photos album metadata: one JSON object in each album folder, named in the account's language
/// (<c>metadata.json</c>, <c>métadonnées.json</c>, <c>Metadaten.json</c>, …), so it is detected by its fields alone.
/// </summary>
/// <remarks>
/// Fields: <c>title</c>, <c>description</c>, <c>access</c> (<c>protected</c>, <c>shared</c>, …), <c>date</c>
/// (<c>{timestamp: epoch seconds as a string, formatted}</c>), <c>location</c> and <c>geoData</c> (0,0 means
/// unknown); exports before about 2020 wrap them in <c>albumData</c>. Shared albums may add <c>sharedAlbumComments</c>
/// and <c>enrichments</c>, which are kept as attributes.
/// Merge key: the album date in epoch seconds, '/', and the title. Two albums of one account rarely share both.
/// </remarks>
public sealed class PhotoAlbumImporter : IFormatImporter
{
    public string Format => "google.photos.album";

    public int Version => 1;

    public string Description => "Google Photos album metadata (metadata.json in any language)";

    public string ExamplePath => "Takeout/Google Photos/My album/metadata.json";

    public bool CanRead(FileSniff sniff)
    {
        var json = sniff.Json;
        if (!json.IsObject || json.Has("photoTakenTime") || json.Has("imageViews"))
        {
            return false;
        }

        if (json.Has("albumData"))
        {
            return json.NestedNames.Contains("title");
        }

        return json.Has("title") && json.Has("date") && (json.Has("access") || json.Has("geoData") || json.Has("location"));
    }

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        using var document = SmallJsonDocument.Parse(content, "a Google Photos album metadata file");
        var root = document.RootElement;
        var pointer = "";
        if (root.GetObjectOrNull("albumData") is { } wrapped)
        {
            root = wrapped;
            pointer = "/albumData";
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ImportFormatException("Album metadata must be a JSON object.", "/");
        }

        var title = root.GetStringOrNull("title") ?? "";
        var seconds = root.GetObjectOrNull("date")?.GetInt64OrNull("timestamp")
            ?? throw new ImportFormatException("The album has no 'date.timestamp' in epoch seconds.", pointer + "/date");
        if (seconds is < -62_135_596_800L or > 253_402_300_799L)
        {
            throw new ImportFormatException(
                string.Create(CultureInfo.InvariantCulture, $"'date.timestamp' is {seconds}, outside the years 1 to 9999."),
                pointer + "/date/timestamp");
        }

        var date = DateTimeOffset.FromUnixTimeSeconds(seconds);
        var attributes = new JsonObject
        {
            ["folder"] = Path.GetDirectoryName(context.Path)?.Replace('\\', '/') ?? "",
            ["date"] = GoogleTime.Format(date),
        };

        foreach (var name in new[] { "access", "location" })
        {
            if (root.GetStringOrNull(name) is { Length: > 0 } value)
            {
                attributes[name] = value;
            }
        }

        foreach (var name in new[] { "sharedAlbumComments", "enrichments" })
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.Array or JsonValueKind.Object)
            {
                attributes[name] = JsonNode.Parse(value.GetRawText());
            }
        }

        var geo = root.GetObjectOrNull("geoData");
        var latitude = geo?.GetDoubleOrNull("latitude");
        var longitude = geo?.GetDoubleOrNull("longitude");
        var placeKnown = latitude is >= -90 and <= 90 && longitude is >= -180 and <= 180 && !(latitude == 0 && longitude == 0);

        yield return new RecordDraft
        {
            Dataset = GoogleDatasets.Photos(context.Account),
            Kind = RecordKinds.Album,
            MergeKey = string.Create(CultureInfo.InvariantCulture, $"{seconds}/{title}"),
            Start = date,
            StartOffsetKnown = false,
            Latitude = placeKnown ? latitude : null,
            Longitude = placeKnown ? longitude : null,
            Title = title,
            Text = root.GetStringOrNull("description") is { Length: > 0 } description ? description : null,
            Attributes = attributes,
            Pointer = pointer.Length == 0 ? "/" : pointer,
            ByteOffset = 0,
        };
    }
}
