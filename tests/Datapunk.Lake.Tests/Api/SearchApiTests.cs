using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Datapunk.Lake.Search;
using Datapunk.Lake.Tests.Search;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Api;

public sealed class SearchApiTests
{
    [Fact]
    public async Task GetSearch_ReturnsHitsWithSnippet()
    {
        await using var app = await TestApp.StartAsync();
        SearchFixture.Seed(app.Lake);

        var body = await app.Client.GetFromJsonAsync<JsonElement>("/v1/search?q=picnic");

        var hit = body.GetProperty("items").EnumerateArray().Single();
        Assert.Equal("Trail walk to the ridge", hit.GetProperty("record").GetProperty("title").GetString());
        Assert.Equal(46, hit.GetProperty("snippet").GetProperty("highlights")[0].GetProperty("start").GetInt32());
        Assert.False(body.TryGetProperty("nextCursor", out _));
    }

    [Fact]
    public async Task GetSearch_PagesWithCursor()
    {
        await using var app = await TestApp.StartAsync();
        SearchFixture.Seed(app.Lake);

        var first = await app.Client.GetFromJsonAsync<JsonElement>("/v1/search?q=walk*&limit=1");
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await app.Client.GetFromJsonAsync<JsonElement>($"/v1/search?q=walk*&limit=1&cursor={cursor}");

        Assert.Single(first.GetProperty("items").EnumerateArray());
        Assert.Single(second.GetProperty("items").EnumerateArray());
        Assert.False(second.TryGetProperty("nextCursor", out _));
    }

    [Fact]
    public async Task GetSemanticSearch_FindsParaphrase()
    {
        await using var app = await TestApp.StartAsync();
        SearchFixture.Seed(app.Lake);
        await app.Lake.Search.CreateIndexer().RunAsync(EmbeddingIndexer.DefaultBatchSize, null, CancellationToken.None);

        var body = await app.Client.GetFromJsonAsync<JsonElement>("/v1/search?q=hiking%20in%20the%20mountains&mode=semantic&limit=1");

        Assert.Equal("Trail walk to the ridge", body.GetProperty("items")[0].GetProperty("record").GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("/v1/search?q=walk&mode=fuzzy")]
    [InlineData("/v1/search?q=")]
    [InlineData("/v1/search?q=walk&limit=0")]
    [InlineData("/v1/search?q=walk&cursor=nonsense")]
    [InlineData("/v1/search/place?lat=48.8")]
    [InlineData("/v1/search/place?lat=48.8&lon=2.3&radius=abc")]
    [InlineData("/v1/timeline?interval=year")]
    [InlineData("/v1/timeline/on-this-day?date=13-01")]
    public async Task BadQuery_Returns400Problem(string url)
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.Client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/v1/search/place?lat=48.8", "Missing 'lon'")]
    [InlineData("/v1/search/place?lon=2.3&radius=100", "Missing 'lat'")]
    [InlineData("/v1/search/place", "Missing 'lat', 'lon' and 'radius', or 'bbox'")]
    [InlineData("/v1/search/place?lat=91&lon=2.3&radius=100", "Invalid 'lat' value 91")]
    [InlineData("/v1/search/place?lat=48.8&lon=-181&radius=100", "Invalid 'lon' value -181")]
    [InlineData("/v1/search/place?lat=48.8&lon=2.3&radius=0", "Invalid 'radius' value 0")]
    [InlineData("/v1/search/place?lat=48.8&lon=2.3", "Missing 'radius' or 'bbox'")]
    [InlineData("/v1/search/place?radius=100&bbox=2,48,3,49", "Missing 'lat' and 'lon'")]
    [InlineData("/v1/search/place?lat=48.8&lon=2.3&radius=abc", "Invalid 'radius' value 'abc'")]
    public async Task BadPlaceQuery_NamesParameter(string url, string expected)
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.Client.GetAsync(url);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(expected, body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task OpenApi_ExportFieldsAreOptional()
    {
        await using var app = await TestApp.StartAsync();

        var document = await app.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var schema = document.GetProperty("components").GetProperty("schemas").GetProperty("ExportRequest");
        var properties = schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["datasets", "from", "kinds", "to"], properties);
        Assert.False(schema.TryGetProperty("required", out var required) && required.GetArrayLength() > 0, $"required: {(schema.TryGetProperty("required", out var shown) ? shown.ToString() : "")}");
    }

    [Fact]
    public async Task GetPlaceSearch_SortsByDistance()
    {
        await using var app = await TestApp.StartAsync();
        SearchFixture.Seed(app.Lake);

        var body = await app.Client.GetFromJsonAsync<JsonElement>("/v1/search/place?lat=48.8584&lon=2.2945&radius=5000&kind=visit");

        Assert.Equal(["Eiffel Tower", "Louvre"], body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("record").GetProperty("title").GetString()));
    }

    [Fact]
    public async Task GetTimeline_CountsPerMonth()
    {
        await using var app = await TestApp.StartAsync();
        SearchFixture.Seed(app.Lake);

        var body = await app.Client.GetFromJsonAsync<JsonElement>("/v1/timeline?interval=month&kind=visit");

        var bucket = body.GetProperty("items").EnumerateArray().Single();
        Assert.Equal("2024-06-01", bucket.GetProperty("period").GetString());
        Assert.Equal(3, bucket.GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task GetOnThisDay_ListsYears()
    {
        await using var app = await TestApp.StartAsync();
        SearchFixture.Seed(app.Lake);

        var body = await app.Client.GetFromJsonAsync<JsonElement>("/v1/timeline/on-this-day?date=05-14");

        Assert.Equal(3, body.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task PostSql_ReturnsRows()
    {
        await using var app = await TestApp.StartAsync();
        SearchFixture.Seed(app.Lake);

        var response = await app.Client.PostAsJsonAsync("/v1/sql", new { sql = "SELECT count(*) AS n FROM lake_records WHERE kind = 'visit'" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, body.GetProperty("rows")[0][0].GetInt64());
    }

    [Fact]
    public async Task PostSql_RejectsWrite()
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.Client.PostAsJsonAsync("/v1/sql", new { sql = "DELETE FROM lake_records" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Query rejected", body.GetProperty("title").GetString());
    }

    [Fact]
    public async Task OpenApi_ListsSearchEndpoints()
    {
        await using var app = await TestApp.StartAsync();

        var document = await app.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");

        Assert.True(paths.TryGetProperty("/v1/search", out _));
        Assert.True(paths.TryGetProperty("/v1/sql", out _));
        Assert.True(paths.TryGetProperty("/v1/records", out _));
    }

    [Fact]
    public async Task ApiReferencePage_IsServedWithoutCdn()
    {
        await using var app = await TestApp.StartAsync();

        var html = await app.Client.GetStringAsync("/scalar/");

        Assert.Contains("scalar.js", html, StringComparison.Ordinal);
        Assert.DoesNotContain("cdn.jsdelivr.net", html, StringComparison.Ordinal);
    }
}
