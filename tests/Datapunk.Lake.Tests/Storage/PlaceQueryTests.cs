using System.Globalization;
using Datapunk.Lake.Imports;
using Datapunk.Lake.Records;
using Datapunk.Lake.Storage;
using Datapunk.Lake.Storage.Sqlite;
using Datapunk.Lake.Tests.Support;
using Microsoft.Data.Sqlite;

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

    // 8,000 points in 0.04° by 0.06°, three to an hour: a box around them contains more than DenseBox points and
    // overlaps several areas, so it is read from records_by_area, and points of one time are ordered by seq.
    private static readonly BoundingBox[] DenseBoxes =
    [
        new(2.33, 48.84, 2.37, 48.87),
        new(2.30, 48.83, 2.39, 48.88),
        new(2.32, 48.835, 2.36, 48.865),
    ];

    [Fact]
    public async Task DenseBox_IsReadFromAreas()
    {
        var (store, _) = await SeedAsync(8000, 0.04, 0.06);
        using var connection = new SqliteConnection($"Data Source={((SqliteRecordStore)store).DatabasePath}");
        connection.Open();

        var areas = PlaceCellSql.TimeOrderedAreas(connection, 48.84, 48.87, 2.33, 2.37, SqliteRecordStore.DenseBox, SqliteRecordStore.MaxBoxAreas);

        Assert.True(areas is { Count: > 1 }, "The dense box is not read from several areas.");
    }

    [Fact]
    public async Task DenseBox_MatchesPlainFilter()
    {
        var (store, points) = await SeedAsync(8000, 0.04, 0.06);

        foreach (var box in DenseBoxes)
        {
            var actual = await QueryAllAsync(store, new RecordQuery { Box = box, Limit = 97 });

            Assert.Equal(Inside(points, box), actual);
        }
    }

    [Fact]
    public async Task DenseBox_CombinesWithKindAndTime()
    {
        var (store, points) = await SeedAsync(8000, 0.04, 0.06);
        var box = DenseBoxes[1];
        var from = Start.AddHours(300);
        var to = Start.AddHours(2000);
        var expected = Inside(points, box).Intersect(points.Where(p => p.Kind == RecordKinds.Visit && p.Time >= from && p.Time < to).Select(p => p.Key)).ToList();

        var actual = await QueryAllAsync(store, new RecordQuery { Box = box, Kinds = [RecordKinds.Visit], From = from, To = to, Limit = 50 });

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Areas_ContainShiftedCellCode()
    {
        var areas = PlaceCell.Areas(48.84, 48.87, 2.33, 2.37, SqliteRecordStore.MaxBoxAreas)!;

        Assert.Contains(PlaceCell.For(48.85, 2.35)!.Value >> PlaceCell.AreaShift, areas);
    }

    [Fact]
    public void Areas_NullAboveTheBound()
    {
        Assert.Null(PlaceCell.Areas(40, 50, 0, 10, SqliteRecordStore.MaxBoxAreas));
    }

    private static List<string> Inside(List<Point> points, BoundingBox box) => points
        .Where(p => p.Latitude >= box.MinLatitude && p.Latitude <= box.MaxLatitude && p.Longitude >= box.MinLongitude && p.Longitude <= box.MaxLongitude)
        .Select(p => p.Key)
        .ToList();

    /// <summary>Writes 2,000 points around Paris, one an hour, every fifth a visit, and one point on a grid line.</summary>
    private static Task<(IRecordStore Store, List<Point> Points)> SeedAsync() => SeedAsync(2000, 0.15, 0.3);

    /// <summary>
    /// Writes <paramref name="count"/> points from 48.8° N 2.3° E over the given spans, every fifth a visit, and
    /// one point on a grid line. With more than 2,000 points, three share each hour.
    /// </summary>
    private static async Task<(IRecordStore Store, List<Point> Points)> SeedAsync(int count, double latitudeSpan, double longitudeSpan)
    {
        var store = await StoreImplementations.CreateRecordStoreAsync("sqlite");
        await store.CreateImportAsync(new ImportSummary { Id = "imp_1", Source = "test", Account = "owner", CreatedAt = DateTimeOffset.UtcNow }, CancellationToken.None);
        var random = new Random(11);
        var (originLatitude, originLongitude) = count > 2000 ? (48.83, 2.30) : (48.8, 2.2);
        var perHour = count > 2000 ? 3 : 1;
        var points = new List<Point> { new("edge", RecordKinds.Location, Start, 48.86, 2.3) };
        for (var i = 1; i < count; i++)
        {
            var kind = i % 5 == 0 ? RecordKinds.Visit : RecordKinds.Location;
            var time = Start.AddHours(i / perHour);
            points.Add(new Point(i.ToString(CultureInfo.InvariantCulture), kind, time, originLatitude + random.NextDouble() * latitudeSpan, originLongitude + random.NextDouble() * longitudeSpan));
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
