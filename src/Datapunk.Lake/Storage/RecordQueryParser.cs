using System.Globalization;

namespace Datapunk.Lake.Storage;

/// <summary>Builds a <see cref="RecordQuery"/> from the text of API query parameters or CLI options.</summary>
public static class RecordQueryParser
{
    public const int DefaultLimit = 100;

    public const int MaxLimit = 1000;

    /// <summary>Returns the query, or null with an error that names the bad parameter and the expected form.</summary>
    public static RecordQuery? TryParse(
        string? from, string? to, string? kind, string? dataset, string? bbox, int? limit, string? cursor, out string? error)
    {
        error = null;
        DateTimeOffset? fromTime = null;
        DateTimeOffset? toTime = null;

        if (from is not null)
        {
            fromTime = ParseTime(from);
            if (fromTime is null)
            {
                error = $"Invalid 'from' value '{from}'. Use an ISO 8601 date or time, such as 2024-05-01 or 2024-05-01T08:00:00Z.";
                return null;
            }
        }

        if (to is not null)
        {
            toTime = ParseTime(to);
            if (toTime is null)
            {
                error = $"Invalid 'to' value '{to}'. Use an ISO 8601 date or time, such as 2024-05-31 or 2024-05-31T23:59:59Z.";
                return null;
            }
        }

        if (fromTime is { } start && toTime is { } end && end < start)
        {
            error = $"'to' ({to}) is before 'from' ({from}). Swap them.";
            return null;
        }

        BoundingBox? box = null;
        if (bbox is not null)
        {
            box = ParseBox(bbox, out error);
            if (box is null)
            {
                return null;
            }
        }

        var pageSize = limit ?? DefaultLimit;
        if (pageSize is < 1 or > MaxLimit)
        {
            error = $"Invalid 'limit' value {pageSize}. Use a number from 1 to {MaxLimit}.";
            return null;
        }

        if (cursor is not null)
        {
            try
            {
                RecordCursor.Decode(cursor);
            }
            catch (FormatException exception)
            {
                error = exception.Message;
                return null;
            }
        }

        var kinds = SplitList(kind);
        var unknown = kinds.FirstOrDefault(k => !Records.RecordKinds.All.Contains(k, StringComparer.Ordinal));
        if (unknown is not null)
        {
            error = $"Unknown 'kind' value '{unknown}'. Use one or more of: {string.Join(", ", Records.RecordKinds.All)}.";
            return null;
        }

        return new RecordQuery
        {
            From = fromTime,
            To = toTime,
            Kinds = kinds,
            Datasets = SplitList(dataset),
            Box = box,
            Limit = pageSize,
            Cursor = cursor,
        };
    }

    /// <summary>Parses an ISO 8601 time, or a bare date as midnight UTC. A time without an offset is taken as UTC.</summary>
    public static DateTimeOffset? ParseTime(string text)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
    }

    private static BoundingBox? ParseBox(string text, out string? error)
    {
        error = null;
        var parts = text.Split(',');
        var values = new double[4];
        if (parts.Length != 4 || parts.Select((p, i) => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])).Any(ok => !ok))
        {
            error = $"Invalid 'bbox' value '{text}'. Use four numbers: minLon,minLat,maxLon,maxLat, such as 2.25,48.81,2.42,48.90.";
            return null;
        }

        var (minLon, minLat, maxLon, maxLat) = (values[0], values[1], values[2], values[3]);
        if (minLon is < -180 or > 180 || maxLon is < -180 or > 180 || minLat is < -90 or > 90 || maxLat is < -90 or > 90)
        {
            error = $"Invalid 'bbox' value '{text}'. Longitudes must be within -180..180 and latitudes within -90..90.";
            return null;
        }

        if (minLon > maxLon || minLat > maxLat)
        {
            error = $"Invalid 'bbox' value '{text}'. The order is minLon,minLat,maxLon,maxLat, and each minimum must not exceed its maximum.";
            return null;
        }

        return new BoundingBox(minLon, minLat, maxLon, maxLat);
    }

    private static IReadOnlyList<string> SplitList(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
