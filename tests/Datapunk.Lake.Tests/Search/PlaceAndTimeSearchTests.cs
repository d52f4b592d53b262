using Datapunk.Lake.Search;
using Datapunk.Lake.Storage;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Search;

public sealed class PlaceAndTimeSearchTests
{
    [Fact]
    public async Task Radius_FindsNearestFirst()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        var page = await temp.Lake.Search.SearchPlaceAsync(
            new PlaceQuery { Latitude = SearchFixture.EiffelLatitude, Longitude = SearchFixture.EiffelLongitude, RadiusMeters = 5000 },
            20, null, CancellationToken.None);

        Assert.Equal(["eiffel", "fix1", "louvre"], page.Items.Select(m => m.Record.Provenance.Pointer![1..]));
        Assert.Equal(0, page.Items[0].DistanceMeters!.Value, 3);
        Assert.Equal(Haversine(48.8584, 2.2945, 48.8583, 2.2944), page.Items[1].DistanceMeters!.Value, 3);
        Assert.Equal(Haversine(48.8584, 2.2945, 48.8606, 2.3376), page.Items[2].DistanceMeters!.Value, 3);
    }

    [Fact]
    public async Task Radius_ExcludesPointsOutside()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        // The Louvre is about 3.17 km from the Eiffel Tower.
        var page = await temp.Lake.Search.SearchPlaceAsync(
            new PlaceQuery { Latitude = SearchFixture.EiffelLatitude, Longitude = SearchFixture.EiffelLongitude, RadiusMeters = 3000 },
            20, null, CancellationToken.None);

        Assert.Equal(["eiffel", "fix1"], page.Items.Select(m => m.Record.Provenance.Pointer![1..]));
    }

    [Fact]
    public async Task VisitsNearPoint_LeaveOutLocationFixes()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        var page = await temp.Lake.Search.SearchPlaceAsync(
            new PlaceQuery
            {
                Latitude = SearchFixture.EiffelLatitude, Longitude = SearchFixture.EiffelLongitude, RadiusMeters = 1_000_000,
                Filter = new SearchFilter { Kinds = ["visit"] },
            },
            20, null, CancellationToken.None);

        Assert.Equal(["Eiffel Tower", "Louvre", "Brandenburg Gate"], page.Items.Select(m => m.Record.Title!));
    }

    [Fact]
    public async Task BoundingBox_SortsByTime()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        var page = await temp.Lake.Search.SearchPlaceAsync(
            new PlaceQuery { Box = new BoundingBox(2.25, 48.81, 2.42, 48.90), Sort = PlaceSort.Time },
            20, null, CancellationToken.None);

        Assert.Equal(["eiffel", "fix1", "louvre"], page.Items.Select(m => m.Record.Provenance.Pointer![1..]));
        Assert.All(page.Items, m => Assert.Null(m.DistanceMeters));
    }

    [Fact]
    public async Task PlaceCursor_PagesInOrder()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);
        var query = new PlaceQuery { Latitude = SearchFixture.EiffelLatitude, Longitude = SearchFixture.EiffelLongitude, RadiusMeters = 5000 };

        var first = await temp.Lake.Search.SearchPlaceAsync(query, 2, null, CancellationToken.None);
        var second = await temp.Lake.Search.SearchPlaceAsync(query, 2, first.NextCursor, CancellationToken.None);

        Assert.Equal(["eiffel", "fix1"], first.Items.Select(m => m.Record.Provenance.Pointer![1..]));
        Assert.Equal(["louvre"], second.Items.Select(m => m.Record.Provenance.Pointer![1..]));
        Assert.Null(second.NextCursor);
    }

    [Theory]
    [InlineData(null, null, 100.0)]
    [InlineData(48.0, null, 100.0)]
    [InlineData(48.0, 2.0, null)]
    [InlineData(48.0, 2.0, -5.0)]
    [InlineData(91.0, 2.0, 100.0)]
    public async Task BadArea_IsRejected(double? latitude, double? longitude, double? radius)
    {
        await using var temp = await TempLake.CreateAsync();

        await Assert.ThrowsAsync<InvalidSearchException>(() => temp.Lake.Search.SearchPlaceAsync(
            new PlaceQuery { Latitude = latitude, Longitude = longitude, RadiusMeters = radius }, 20, null, CancellationToken.None));
    }

    [Fact]
    public async Task TimelineByMonth_CountsPerKind()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        var page = await temp.Lake.Search.TimelineAsync(TimeInterval.Month, new SearchFilter { From = At("2024-01-01T00:00:00Z") }, 100, null, CancellationToken.None);

        Assert.Equal(
            [new("2024-05-01", "note", 4), new("2024-06-01", "location", 1), new("2024-06-01", "note", 1), new TimelineBucket("2024-06-01", "visit", 3)],
            page.Items);
    }

    [Fact]
    public async Task TimelineByWeek_StartsOnMonday()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        var page = await temp.Lake.Search.TimelineAsync(TimeInterval.Week, new SearchFilter { Kinds = ["note"] }, 100, null, CancellationToken.None);

        Assert.Equal([new("2024-05-13", "note", 2), new("2024-05-20", "note", 2), new TimelineBucket("2024-05-27", "note", 1)], page.Items);
    }

    [Fact]
    public async Task TimelineByDay_UsesLocalDate()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        // The snack is at 00:30 on 1 June in UTC+2, which is 22:30 on 31 May in UTC.
        var page = await temp.Lake.Search.TimelineAsync(TimeInterval.Day, new SearchFilter { From = At("2024-05-31T00:00:00Z"), Kinds = ["note", "visit"] }, 100, null, CancellationToken.None);

        Assert.Equal([new("2024-06-01", "note", 1), new("2024-06-01", "visit", 2), new TimelineBucket("2024-06-10", "visit", 1)], page.Items);
    }

    [Fact]
    public async Task TimelineCursor_PagesBuckets()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        var first = await temp.Lake.Search.TimelineAsync(TimeInterval.Week, new SearchFilter { Kinds = ["note"] }, 2, null, CancellationToken.None);
        var second = await temp.Lake.Search.TimelineAsync(TimeInterval.Week, new SearchFilter { Kinds = ["note"] }, 2, first.NextCursor, CancellationToken.None);

        Assert.Equal(2, first.Items.Count);
        Assert.Equal([new TimelineBucket("2024-05-27", "note", 1)], second.Items);
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task OnThisDay_ListsEveryYearNewestFirst()
    {
        await using var temp = await TempLake.CreateAsync();
        SearchFixture.Seed(temp.Lake);

        var page = await temp.Lake.Search.OnThisDayAsync(5, 14, new SearchFilter(), 20, null, CancellationToken.None);

        Assert.Equal(["Trail walk to the ridge", "Crème brûlée recipe", "東京タワーに行った"], page.Items.Select(r => r.Title!));
    }

    [Fact]
    public async Task OnThisDay_RejectsImpossibleDate()
    {
        await using var temp = await TempLake.CreateAsync();

        await Assert.ThrowsAsync<InvalidSearchException>(() => temp.Lake.Search.OnThisDayAsync(2, 30, new SearchFilter(), 20, null, CancellationToken.None));
    }

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An independent haversine over the same Earth radius, to check the SQL version.</summary>
    private static double Haversine(double lat1, double lon1, double lat2, double lon2)
    {
        static double Radians(double degrees) => degrees * Math.PI / 180;
        var a = Math.Pow(Math.Sin(Radians(lat2 - lat1) / 2), 2)
            + Math.Cos(Radians(lat1)) * Math.Cos(Radians(lat2)) * Math.Pow(Math.Sin(Radians(lon2 - lon1) / 2), 2);
        return 2 * 6_371_008.8 * Math.Asin(Math.Sqrt(a));
    }
}
