using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Api;

public sealed class RecordsApiTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        await _app.ImportAndWaitAsync(Fixtures.Zip(("Takeout/Location History/Records.json", Fixtures.RecordsJson)), "takeout.zip");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Records_ComeInTimeOrder()
    {
        var page = await _app.Client.GetFromJsonAsync<JsonElement>("/v1/records");
        var starts = page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("start").GetString()).ToList();

        Assert.Equal(["2023-05-01T08:15:30.123+02:00", "2023-05-01T06:55:30+00:00", "2023-06-10T23:00:00+00:00"], starts);
    }

    [Fact]
    public async Task Records_KeepSourceOffsetAndPlace()
    {
        var page = await _app.Client.GetFromJsonAsync<JsonElement>("/v1/records?limit=1");
        var record = page.GetProperty("items")[0];

        Assert.Equal("2023-05-01T08:15:30.123+02:00", record.GetProperty("start").GetString());
        Assert.True(record.GetProperty("startOffsetKnown").GetBoolean());
        Assert.Equal(48.582914, record.GetProperty("place").GetProperty("latitude").GetDouble());
        Assert.Equal(2.2940093, record.GetProperty("place").GetProperty("longitude").GetDouble());
        Assert.Equal(20, record.GetProperty("place").GetProperty("accuracyMeters").GetDouble());
        Assert.Equal("WIFI", record.GetProperty("attributes").GetProperty("source").GetString());
    }

    [Fact]
    public async Task Records_EpochTimeHasNoKnownOffset()
    {
        var page = await _app.Client.GetFromJsonAsync<JsonElement>("/v1/records");
        var record = page.GetProperty("items")[1];

        Assert.False(record.GetProperty("startOffsetKnown").GetBoolean());
        Assert.Equal("STILL", record.GetProperty("attributes").GetProperty("activity")[0].GetProperty("guesses")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Records_CursorPagesThroughAll()
    {
        var first = await _app.Client.GetFromJsonAsync<JsonElement>("/v1/records?limit=2");
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await _app.Client.GetFromJsonAsync<JsonElement>($"/v1/records?limit=2&cursor={cursor}");

        Assert.Equal(2, first.GetProperty("items").GetArrayLength());
        Assert.Equal(1, second.GetProperty("items").GetArrayLength());
        Assert.False(second.TryGetProperty("nextCursor", out _));
    }

    [Fact]
    public async Task Records_FilterByTimeRange()
    {
        var page = await _app.Client.GetFromJsonAsync<JsonElement>("/v1/records?from=2023-06-01&to=2023-07-01");

        Assert.Equal("2023-06-10T23:00:00+00:00", page.GetProperty("items").EnumerateArray().Single().GetProperty("start").GetString());
    }

    [Fact]
    public async Task Records_FilterByBoundingBox()
    {
        var page = await _app.Client.GetFromJsonAsync<JsonElement>("/v1/records?bbox=150,-34,152,-33");

        Assert.Equal(-33.8688, page.GetProperty("items").EnumerateArray().Single().GetProperty("place").GetProperty("latitude").GetDouble());
    }

    [Fact]
    public async Task Records_FilterByKindAndDataset()
    {
        var matching = await _app.Client.GetFromJsonAsync<JsonElement>("/v1/records?kind=location&dataset=google/location-history/owner");
        var other = await _app.Client.GetFromJsonAsync<JsonElement>("/v1/records?kind=visit");

        Assert.Equal(3, matching.GetProperty("items").GetArrayLength());
        Assert.Equal(0, other.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("from=yesterday", "'from'")]
    [InlineData("to=2023-13-45", "'to'")]
    [InlineData("bbox=1,2,3", "'bbox'")]
    [InlineData("bbox=10,0,5,1", "minimum")]
    [InlineData("limit=0", "'limit'")]
    [InlineData("limit=many", "'limit'")]
    [InlineData("cursor=%%%", "cursor")]
    [InlineData("from=2024-01-02&to=2024-01-01", "before")]
    [InlineData("kind=nonsense", "Unknown 'kind'")]
    public async Task Records_BadParameterIs400(string query, string mentioned)
    {
        var response = await _app.Client.GetAsync($"/v1/records?{query}");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(mentioned, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Record_ShowsProvenance()
    {
        var page = await _app.Client.GetFromJsonAsync<JsonElement>("/v1/records?limit=1");
        var id = page.GetProperty("items")[0].GetProperty("id").GetString();

        var record = await _app.Client.GetFromJsonAsync<JsonElement>($"/v1/records/{id}");
        var provenance = record.GetProperty("provenance");

        Assert.Equal("Takeout/Location History/Records.json", provenance.GetProperty("path").GetString());
        Assert.Equal("/locations/0", provenance.GetProperty("pointer").GetString());
        Assert.Equal(Fixtures.RecordsJson.IndexOf("{\n    \"latitudeE7\"", StringComparison.Ordinal), provenance.GetProperty("byteOffset").GetInt64());
    }

    [Fact]
    public async Task Record_BlobHoldsOriginalFile()
    {
        var page = await _app.Client.GetFromJsonAsync<JsonElement>("/v1/records?limit=1");
        var blobUrl = page.GetProperty("items")[0].GetProperty("provenance").GetProperty("blobUrl").GetString();

        var original = await _app.Client.GetStringAsync(blobUrl);

        Assert.Equal(Fixtures.RecordsJson, original);
    }

    [Fact]
    public async Task Record_UnknownIdIs404()
    {
        var response = await _app.Client.GetAsync("/v1/records/0123456789abcdef0123456789abcdef");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("not-a-hash", HttpStatusCode.BadRequest)]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", HttpStatusCode.NotFound)]
    public async Task Blob_BadOrUnknownHash(string hash, HttpStatusCode expected)
    {
        var response = await _app.Client.GetAsync($"/v1/blobs/{hash}");

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Datasets_ShowCountAndSpan()
    {
        var datasets = await _app.Client.GetFromJsonAsync<JsonElement>("/v1/datasets");
        var dataset = datasets.GetProperty("items").EnumerateArray().Single();

        Assert.Equal("google/location-history/owner", dataset.GetProperty("name").GetString());
        Assert.Equal(3, dataset.GetProperty("recordCount").GetInt64());
        Assert.Equal(DateTimeOffset.Parse("2023-05-01T06:15:30.123Z", System.Globalization.CultureInfo.InvariantCulture), dataset.GetProperty("first").GetDateTimeOffset());
        Assert.Equal(DateTimeOffset.Parse("2023-06-10T23:00:00Z", System.Globalization.CultureInfo.InvariantCulture), dataset.GetProperty("last").GetDateTimeOffset());
    }

    [Fact]
    public async Task Formats_ListRecordsJson()
    {
        var formats = await _app.Client.GetFromJsonAsync<JsonElement>("/v1/formats");

        Assert.Contains(formats.GetProperty("items").EnumerateArray(), f => f.GetProperty("format").GetString() == "google.location-history.records");
    }

    [Fact]
    public async Task Formats_ListLakeExport()
    {
        var formats = await _app.Client.GetFromJsonAsync<JsonElement>("/v1/formats");

        Assert.Contains(formats.GetProperty("items").EnumerateArray(), f => f.GetProperty("format").GetString() == "datapunk-lake.export");
    }

    [Fact]
    public async Task HealthReady_IsHealthy()
    {
        var response = await _app.Client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

public sealed class ConcurrentImportTests
{
    [Fact]
    public async Task Request_DuringFileTransaction_IsAudited()
    {
        await using var app = await TestApp.StartAsync();
        var key = new Datapunk.Lake.Storage.FileParseKey(new string('b', 64), "test.format", 1, "owner");
        await app.Lake.Records.CreateImportAsync(new Datapunk.Lake.Imports.ImportSummary { Id = "imp_open", Source = "test", Account = "owner", CreatedAt = DateTimeOffset.UtcNow }, CancellationToken.None);

        // An import holds the lake database's write lock for the whole of a file, as this open writer does.
        using var writer = app.Lake.Records.BeginFile("imp_open", "big.json", key);
        var response = await app.Client.GetAsync("/v1/datasets");
        var entries = app.Lake.Control.Audit.Page(0, 1000);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(entries, e => e.Action.Contains("/v1/datasets", StringComparison.Ordinal));
    }
}
