using System.Globalization;
using System.Text.Json.Nodes;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion.Google.MyActivity;

/// <summary>Turns a My Activity entry, from either export format, into a record.</summary>
/// <remarks>
/// Merge key: the time in whole seconds since the Unix epoch (UTC), the normalized title and, when the
/// entry has one, its title URL, joined by '|'. The HTML page shows times to the second only, so the JSON
/// time is truncated to the second too; with the title (white space normalized, see
/// <see cref="ActivityTitles.Normalize"/>) and the URL, the same activity exported as HTML and as JSON gives
/// the same key, while two different searches in the same second still differ. Both exports must be in the
/// same language, because the title carries the translated verb.
/// </remarks>
internal static class ActivityRecords
{
    public static RecordDraft ToDraft(ActivityEntry entry, string account, string pointer, long byteOffset)
    {
        var title = ActivityTitles.Normalize(entry.Title);
        var titleUrl = string.IsNullOrWhiteSpace(entry.TitleUrl) ? null : entry.TitleUrl.Trim();
        var product = FirstNonEmpty(entry.Header, entry.Products.FirstOrDefault()) ?? "unknown";
        var (kind, subject) = ActivityTitles.Classify(title, entry.Header, titleUrl);

        double? latitude = null;
        double? longitude = null;
        foreach (var location in entry.Locations)
        {
            if (MapsCoordinates.TryRead(location.Url, out var lat, out var lon))
            {
                latitude = lat;
                longitude = lon;
                break;
            }
        }

        return new RecordDraft
        {
            Dataset = GoogleDatasets.MyActivity(product, account),
            Kind = kind,
            MergeKey = MergeKey(entry.Time, title, titleUrl),
            Start = entry.Time,
            StartOffsetKnown = entry.TimeOffsetKnown,
            Latitude = latitude,
            Longitude = longitude,
            Title = title,
            Text = subject.Length > 0 ? subject : null,
            Attributes = Attributes(entry, titleUrl),
            Pointer = pointer,
            ByteOffset = byteOffset,
        };
    }

    /// <summary>Builds the merge key described on the type.</summary>
    public static string MergeKey(DateTimeOffset time, string normalizedTitle, string? titleUrl)
    {
        var seconds = time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return titleUrl is null ? $"{seconds}|{normalizedTitle}" : $"{seconds}|{normalizedTitle}|{titleUrl}";
    }

    private static JsonObject Attributes(ActivityEntry entry, string? titleUrl)
    {
        var attributes = new JsonObject();
        if (entry.Header is { Length: > 0 } header)
        {
            attributes["header"] = header;
        }

        if (titleUrl is not null)
        {
            attributes["url"] = titleUrl;
        }

        if (entry.Description is { Length: > 0 } description)
        {
            attributes["description"] = description;
        }

        if (entry.Products.Count > 0)
        {
            attributes["products"] = new JsonArray([.. entry.Products.Select(p => JsonValue.Create(p))]);
        }

        if (entry.Subtitles.Count > 0)
        {
            attributes["subtitles"] = new JsonArray([.. entry.Subtitles.Select(s => (JsonNode)Compact(new JsonObject { ["name"] = s.Name, ["url"] = s.Url }))]);
        }

        if (entry.Details.Count > 0)
        {
            attributes["details"] = new JsonArray([.. entry.Details.Select(d => JsonValue.Create(d))]);
        }

        if (entry.Locations.Count > 0)
        {
            attributes["locationInfos"] = new JsonArray([.. entry.Locations.Select(l => (JsonNode)Compact(new JsonObject
            {
                ["name"] = l.Name,
                ["url"] = l.Url,
                ["source"] = l.Source,
                ["sourceUrl"] = l.SourceUrl,
            }))]);
        }

        if (entry.ActivityControls.Count > 0)
        {
            attributes["activityControls"] = new JsonArray([.. entry.ActivityControls.Select(c => JsonValue.Create(c))]);
        }

        if (entry.Why is { Length: > 0 } why)
        {
            attributes["why"] = why;
        }

        return attributes;
    }

    /// <summary>Removes null members, so absent fields stay absent instead of becoming JSON nulls.</summary>
    private static JsonObject Compact(JsonObject value)
    {
        foreach (var name in value.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            value.Remove(name);
        }

        return value;
    }

    private static string? FirstNonEmpty(params ReadOnlySpan<string?> values)
    {
        foreach (var value in values)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }

        return null;
    }
}
