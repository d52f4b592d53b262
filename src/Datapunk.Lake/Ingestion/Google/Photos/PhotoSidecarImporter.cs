using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Datapunk.Lake.Ingestion.Json;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion.Google.Photos;

/// <summary>
/// Google Photos metadata sidecars: one JSON object per photo or video, beside the media file
/// (<c>IMG_1.jpg.json</c>, <c>IMG_1.jpg.supplemental-metadata.json</c>; see <see cref="SidecarName"/> for every form).
/// </summary>
/// <remarks>
/// Fields: <c>title</c> (the uploaded file name), <c>description</c>, <c>imageViews</c> (a count as a string),
/// <c>creationTime</c> and <c>photoTakenTime</c> (<c>{timestamp: epoch seconds as a string, formatted}</c>),
/// <c>geoData</c> (the place shown in Photos, edited or not) and <c>geoDataExif</c> (the place in the file), each
/// <c>{latitude, longitude, altitude, latitudeSpan, longitudeSpan}</c> where 0,0 means unknown, <c>people</c>
/// (<c>[{name}]</c>), <c>url</c>, <c>favorited</c>, <c>trashed</c>, <c>archived</c> and <c>googlePhotosOrigin</c>.
///
/// How a record meets its media file: the media file is stored as a blob like every file of the import, and this
/// importer makes the record from the sidecar alone. After the last file of the import,
/// <see cref="PhotoMediaLinker"/> finds each sidecar's media file by name in the same folder and writes its SHA-256
/// into the record's <c>mediaBlob</c> attribute; media files that no sidecar claims get a record from their EXIF data.
/// The sidecar is the better source because its time is an instant, while EXIF <c>DateTimeOriginal</c> is a wall
/// clock time with an optional offset, and because a sidecar exists even for a video whose container has no metadata.
///
/// Merge key: <c>photoTakenTime</c> in epoch seconds, a '/', and the media file name without its <c>(n)</c> copy
/// number (the <c>title</c>, else the name derived from the sidecar's file name). The same photo in two exports, or
/// in an album folder and a year folder of one export, gives one record. <c>creationTime</c> (the upload) replaces
/// a missing <c>photoTakenTime</c>.
/// </remarks>
public sealed class PhotoSidecarImporter : IFormatImporter
{
    public string Format => "google.photos.sidecar";

    public int Version => 1;

    public string Description => "Google Photos metadata sidecars (IMG_1.jpg.json, IMG_1.jpg.supplemental-metadata.json)";

    public string ExamplePath => "Takeout/Google Photos/Photos from 2023/IMG_1.jpg.supplemental-metadata.json";

    public bool CanRead(FileSniff sniff) =>
        sniff.Json.IsObject
        && (sniff.Json.Has("photoTakenTime")
            || (sniff.Json.Has("title") && sniff.Json.Has("creationTime") && (sniff.Json.Has("imageViews") || sniff.Json.Has("geoDataExif") || sniff.Json.Has("url"))));

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        using var document = SmallJsonDocument.Parse(content, "a Google Photos sidecar");
        yield return ToRecord(document.RootElement, context.Path, context.Account);
    }

    /// <summary>Makes the photo record of a parsed sidecar; the linker calls it too, to find the record's id again.</summary>
    public static RecordDraft ToRecord(JsonElement root, string path, string account)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ImportFormatException("A Google Photos sidecar must be a JSON object.", "/");
        }

        var taken = ReadTimestamp(root, "photoTakenTime");
        var created = ReadTimestamp(root, "creationTime");
        var start = taken ?? created
            ?? throw new ImportFormatException("The sidecar has neither 'photoTakenTime.timestamp' nor 'creationTime.timestamp' in epoch seconds.", "/photoTakenTime");

        var name = SidecarName.Parse(Path.GetFileName(path));
        var title = root.GetStringOrNull("title") is { Length: > 0 } t ? t : null;
        var mediaName = title ?? name?.MediaName ?? Path.GetFileName(path);

        var geo = ReadGeo(root, "geoData");
        var geoExif = ReadGeo(root, "geoDataExif");
        var place = geo ?? geoExif;

        var attributes = new JsonObject { ["fileName"] = mediaName };
        if (name is not null)
        {
            attributes["mediaFile"] = name.ExpectedFileName;
        }

        if (name is { Copy: > 0 })
        {
            attributes["copy"] = name.Copy;
        }

        if (root.GetInt64OrNull("imageViews") is { } views)
        {
            attributes["imageViews"] = views;
        }

        if (created is { } creation)
        {
            attributes["creationTime"] = GoogleTime.Format(creation);
        }

        if (taken is { } takenTime)
        {
            attributes["photoTakenTime"] = GoogleTime.Format(takenTime);
        }

        if (root.GetObjectOrNull("photoTakenTime")?.GetStringOrNull("formatted") is { Length: > 0 } formatted)
        {
            attributes["photoTakenTimeFormatted"] = formatted;
        }

        if (place?.Altitude is { } altitude)
        {
            attributes["altitude"] = altitude;
        }

        if (geo is not null)
        {
            attributes["geoData"] = geo.ToJson();
        }

        if (geoExif is not null)
        {
            attributes["geoDataExif"] = geoExif.ToJson();
        }

        var people = new JsonArray();
        foreach (var person in root.GetArrayItems("people"))
        {
            if (person.GetStringOrNull("name") is { Length: > 0 } personName)
            {
                people.Add(personName);
            }
        }

        if (people.Count > 0)
        {
            attributes["people"] = people;
        }

        CopyString(root, attributes, "url");
        CopyBoolean(root, attributes, "favorited");
        CopyBoolean(root, attributes, "trashed");
        CopyBoolean(root, attributes, "archived");
        if (root.TryGetProperty("googlePhotosOrigin", out var origin) && origin.ValueKind == JsonValueKind.Object)
        {
            attributes["googlePhotosOrigin"] = JsonNode.Parse(origin.GetRawText());
        }

        var description = root.GetStringOrNull("description") is { Length: > 0 } d ? d : null;
        return new RecordDraft
        {
            Dataset = GoogleDatasets.Photos(account),
            Kind = RecordKinds.Photo,
            MergeKey = MergeKey(start, mediaName),
            Start = start,
            StartOffsetKnown = false,
            Latitude = place?.Latitude,
            Longitude = place?.Longitude,
            Title = mediaName,
            Text = description,
            Attributes = attributes,
            Pointer = "/",
            ByteOffset = 0,
        };
    }

    /// <summary>The photo merge key: epoch seconds of the time taken, '/', and the media file name.</summary>
    public static string MergeKey(DateTimeOffset taken, string mediaName) =>
        string.Create(CultureInfo.InvariantCulture, $"{taken.ToUnixTimeSeconds()}/{mediaName}");

    private static DateTimeOffset? ReadTimestamp(JsonElement root, string name)
    {
        if (root.GetObjectOrNull(name) is not { } time || time.GetInt64OrNull("timestamp") is not { } seconds)
        {
            return null;
        }

        // Seconds outside DateTimeOffset's range (years 1 to 9999) are as good as missing.
        if (seconds is < -62_135_596_800L or > 253_402_300_799L)
        {
            throw new ImportFormatException(
                string.Create(CultureInfo.InvariantCulture, $"'{name}.timestamp' is {seconds}, outside the years 1 to 9999."),
                $"/{name}/timestamp");
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    /// <summary>Reads a geoData object; null when it is missing or 0,0, which Google writes for an unknown place.</summary>
    private static GeoPoint? ReadGeo(JsonElement root, string name)
    {
        if (root.GetObjectOrNull(name) is not { } geo)
        {
            return null;
        }

        var latitude = geo.GetDoubleOrNull("latitude");
        var longitude = geo.GetDoubleOrNull("longitude");
        if (latitude is null || longitude is null || (latitude == 0 && longitude == 0))
        {
            return null;
        }

        if (latitude is < -90 or > 90 || longitude is < -180 or > 180)
        {
            throw new ImportFormatException(
                string.Create(CultureInfo.InvariantCulture, $"'{name}' holds latitude {latitude} and longitude {longitude}, outside WGS84 degrees."),
                $"/{name}");
        }

        return new GeoPoint(latitude.Value, longitude.Value, geo.GetDoubleOrNull("altitude"), geo.GetDoubleOrNull("latitudeSpan"), geo.GetDoubleOrNull("longitudeSpan"));
    }

    private static void CopyString(JsonElement source, JsonObject target, string name)
    {
        if (source.GetStringOrNull(name) is { Length: > 0 } value)
        {
            target[name] = value;
        }
    }

    private static void CopyBoolean(JsonElement source, JsonObject target, string name)
    {
        if (source.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            target[name] = value.GetBoolean();
        }
    }

    private sealed record GeoPoint(double Latitude, double Longitude, double? Altitude, double? LatitudeSpan, double? LongitudeSpan)
    {
        public JsonObject ToJson() => new()
        {
            ["latitude"] = Latitude,
            ["longitude"] = Longitude,
            ["altitude"] = Altitude,
            ["latitudeSpan"] = LatitudeSpan,
            ["longitudeSpan"] = LongitudeSpan,
        };
    }
}
