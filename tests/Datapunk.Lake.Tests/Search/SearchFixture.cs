using System.Text.Json.Nodes;
using Datapunk.Lake.Records;
using Datapunk.Lake.Storage;

namespace Datapunk.Lake.Tests.Search;

/// <summary>
/// A small fixed set of records written through the store's file writer, the same path an import takes:
/// notes, web visits, a message in Japanese, visits in Paris and Berlin, and one location fix with no text.
/// </summary>
internal static class SearchFixture
{
    public const string Notes = "test/notes/owner";
    public const string Places = "test/places/owner";

    /// <summary>The Eiffel Tower, as a query point.</summary>
    public const double EiffelLatitude = 48.8584;
    public const double EiffelLongitude = 2.2945;

    /// <summary>Records that carry a title or text: every fixture record except the location fix.</summary>
    public const int TextRecords = 11;

    public static readonly RecordDraft[] Drafts =
    [
        Note("trail", "Trail walk to the ridge", "Six hours on the trail above the lake, with a picnic at the top.", "2024-05-14T09:00:00+02:00", 46.5, 8.0),
        Note("groceries", "Groceries", "Bought bread, cheese and tomatoes at the supermarket.", "2024-05-15T18:00:00+02:00"),
        Note("budget", "Meeting notes", "Quarterly budget review with the team.", "2024-05-20T10:00:00+00:00"),
        Note("tour", "Walking tour of the old town", "Guided tour through the narrow streets and the market square.", "2024-05-21T15:00:00+02:00"),
        Note("snack", "Midnight snack", "Toast with honey after the late train.", "2024-06-01T00:30:00+02:00"),
        Web("creme", "Crème brûlée recipe", "https://cooking.example.com/creme-brulee", "2023-05-14T20:00:00+00:00"),
        Web("tram", "Zürich tram map", "https://zvv.example.ch/map", "2022-11-02T08:00:00+01:00"),
        new RecordDraft
        {
            Dataset = Notes, Kind = RecordKinds.Message, MergeKey = "tokyo", Title = "東京タワーに行った", Text = "週末に東京タワーに行きました。",
            Start = DateTimeOffset.Parse("2021-05-14T12:00:00+09:00", System.Globalization.CultureInfo.InvariantCulture), Pointer = "/tokyo",
        },
        Visit("eiffel", "Eiffel Tower", 48.8584, 2.2945, "2024-06-01T10:00:00+02:00"),
        Visit("louvre", "Louvre", 48.8606, 2.3376, "2024-06-01T14:00:00+02:00"),
        Visit("brandenburg", "Brandenburg Gate", 52.5163, 13.3777, "2024-06-10T10:00:00+02:00"),
        new RecordDraft
        {
            Dataset = Places, Kind = RecordKinds.Location, MergeKey = "fix1", Latitude = 48.8583, Longitude = 2.2944, AccuracyMeters = 12,
            Start = DateTimeOffset.Parse("2024-06-01T10:05:00+02:00", System.Globalization.CultureInfo.InvariantCulture), Pointer = "/fix1",
        },
    ];

    /// <summary>Writes every fixture record as one file and returns the lake.</summary>
    public static Lake Seed(Lake lake)
    {
        using var writer = lake.Records.BeginFile("import-fixture", "fixture.json", new FileParseKey(new string('0', 64), "test.fixture", 1, "owner"));
        foreach (var draft in Drafts)
        {
            writer.Add(draft);
        }

        writer.Commit();
        return lake;
    }

    private static RecordDraft Note(string key, string title, string text, string start, double? latitude = null, double? longitude = null) => new()
    {
        Dataset = Notes, Kind = RecordKinds.Note, MergeKey = key, Title = title, Text = text,
        Start = DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), Latitude = latitude, Longitude = longitude, Pointer = "/" + key,
    };

    private static RecordDraft Web(string key, string title, string url, string start) => new()
    {
        Dataset = Notes, Kind = RecordKinds.WebVisit, MergeKey = key, Title = title, Attributes = new JsonObject { ["url"] = url },
        Start = DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), Pointer = "/" + key,
    };

    private static RecordDraft Visit(string key, string title, double latitude, double longitude, string start) => new()
    {
        Dataset = Places, Kind = RecordKinds.Visit, MergeKey = key, Title = title, Latitude = latitude, Longitude = longitude,
        Start = DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), Pointer = "/" + key,
    };
}
