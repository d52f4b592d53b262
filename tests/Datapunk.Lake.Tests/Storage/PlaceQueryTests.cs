using System.Globalization;
using Datapunk.Lake.Imports;
using Datapunk.Lake.Records;
using Datapunk.Lake.Storage;
using Datapunk.Lake.Storage.Sqlite;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Storage;

/// <summary>Bounding-box queries through the cell index, checked against a plain filter of the same points.</summary>
public sealed class PlaceQueryTests
{
    private static readonly FileParseKey Key = new(new string('b', 64), "test.format", 1, "owner");
    private static readonly DateTimeOffset Start = new(2024, 5, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Box_MatchesPlainFilterPageByPage()
    {
        var (store, points) = await SeedAsync();
        var boxes = new[]
        {
            new BoundingBox(2.30, 48.85, 2.31, 48.86),
            new BoundingBox(2.2, 48.8, 2.5, 48.95),
            new BoundingBox(2.3, 48.8, 2.3, 48.95),
            new BoundingBox(-180, -90, 180, 90),
            new BoundingBox(10, 10, 11, 11),
        };

        foreach (var box in boxes)
        {
            var expected = points
                .Where(p => p.Latitude >= box.MinLatitude && p.Latitude <= box.MaxLatitude && p.Longitude >= box.MinLongitude && p.Longitude <= box.MaxLongitude)
                .Select(p => p.Key)
                .ToList();

            var actual = await QueryAllAsync(store, new RecordQuery { Box = box, Limit = 37 });

            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public async Task Box_IncludesPointsOnItsEdges()
    {
        var (store, points) = await SeedAsync();
        var edge = points[0];

        var actual = await QueryAllAsync(store, new RecordQuery { Box = new BoundingBox(edge.Longitude, edge.Latitude, edge.Longitude, edge.Latitude) });

        Assert.Contains(edge.Key, actual);
    }

    [Fact]
    public async Task Box_CombinesWithKindAndTime()
    {
        var (store, points) = await SeedAsync();
        var box = new BoundingBox(2.25, 48.82, 2.45, 48.9);
        var from = Start.AddHours(300);
        var to = Start.AddHours(1500);
        var expected = points
            .Where(p => p.Kind == RecordKinds.Visit && p.Time >= from && p.Time < to)
            .Where(p => p.Latitude >= 48.82 && p.Latitude <= 48.9 && p.Longitude >= 2.25 && p.Longitude <= 2.45)
            .Select(p => p.Key)
            .ToList();

        var actual = await QueryAllAsync(store, new RecordQuery { Box = box, Kinds = [RecordKinds.Visit], From = from, To = to, Limit = 10 });

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    /// <summary>Writes 2,000 points around Paris, one an hour, every fifth a visit, and one point on a grid line.</summary>
    private static async Task<(IRecordStore Store, List<Point> Points)> SeedAsync()
    {
        var store = await StoreImplementations.CreateRecordStoreAsync("sqlite");
        await store.CreateImportAsync(new ImportSummary { Id = "imp_1", Source = "test", Account = "owner", CreatedAt = DateTimeOffset.UtcNow }, CancellationToken.None);
        var random = new Random(11);
        var points = new List<Point> { new("edge", RecordKinds.Location, Start, 48.86, 2.3) };
        for (var i = 1; i < 2000; i++)
        {
            var kind = i % 5 == 0 ? RecordKinds.Visit : RecordKinds.Location;
            points.Add(new Point(i.ToString(CultureInfo.InvariantCulture), kind, Start.AddHours(i), 48.8 + random.NextDouble() * 0.15, 2.2 + random.NextDouble() * 0.3));
        }

        using (var writer = store.BeginFile("imp_1", "points.json", Key))
        {
            foreach (var point in points)
            {
                writer.Add(new RecordDraft
                {
                    Dataset = "test/places/owner",
                    Kind = point.Kind,
                    MergeKey = point.Key,
                    Start = point.Time,
                    Latitude = point.Latitude,
                    Longitude = point.Longitude,
                    Title = point.Key,
                    Pointer = "/" + point.Key,
                });
            }

            writer.Commit();
        }

        return (store, points);
    }

    private static async Task<List<string>> QueryAllAsync(IRecordStore store, RecordQuery query)
    {
        var keys = new List<string>();
        string? cursor = null;
        do
        {
            var page = await store.QueryRecordsAsync(query with { Cursor = cursor }, CancellationToken.None);
            keys.AddRange(page.Items.Select(r => r.Title!));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        return keys;
    }

    private sealed record Point(string Key, string Kind, DateTimeOffset Time, double Latitude, double Longitude);
}
