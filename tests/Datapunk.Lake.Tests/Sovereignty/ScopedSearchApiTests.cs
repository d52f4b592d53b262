using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Datapunk.Lake.Sovereignty.Access;
using Datapunk.Lake.Tests.Search;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Sovereignty;

/// <summary>Constraint × endpoint for search, place search, timelines and SQL: a constrained token reads only its records.</summary>
public sealed class ScopedSearchApiTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        SearchFixture.Seed(_app.Lake);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData(null, new[] { "Eiffel Tower", "Walking tour of the old town" })]
    [InlineData(SearchFixture.Places, new[] { "Eiffel Tower" })]
    [InlineData(SearchFixture.Notes, new[] { "Walking tour of the old town" })]
    public async Task TextSearch_SeesOnlyTokenDatasets(string? dataset, string[] expected)
    {
        using var client = await ClientAsync(dataset is null ? [] : [dataset]);

        var page = await client.GetFromJsonAsync<JsonElement>("/v1/search?q=tour%20OR%20tower");
        var titles = page.GetProperty("items").EnumerateArray().Select(h => h.GetProperty("record").GetProperty("title").GetString()!).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(expected, titles);
    }

    [Fact]
    public async Task TextSearch_TimeConstraintHidesEarlierRecords()
    {
        using var client = await _app.ClientWithScopeAsync(new TokenRequest("t", [TokenScopes.Read], From: Date("2024-06-01T00:00:00Z")));

        var page = await client.GetFromJsonAsync<JsonElement>("/v1/search?q=tour%20OR%20tower");
        var titles = page.GetProperty("items").EnumerateArray().Select(h => h.GetProperty("record").GetProperty("title").GetString()!).ToArray();

        Assert.Equal(["Eiffel Tower"], titles);
    }

    [Fact]
    public async Task PlaceSearch_SeesOnlyTokenDatasets()
    {
        using var owner = await ClientAsync([]);
        using var places = await ClientAsync([SearchFixture.Places]);

        var all = await owner.GetFromJsonAsync<JsonElement>("/v1/search/place?bbox=-180,-90,180,90&limit=50");
        var scoped = await places.GetFromJsonAsync<JsonElement>("/v1/search/place?bbox=-180,-90,180,90&limit=50");

        Assert.Equal(5, all.GetProperty("items").GetArrayLength());
        Assert.Equal([SearchFixture.Places], Datasets(scoped));
        Assert.Equal(4, scoped.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task PlaceSearch_KindConstraintHidesOtherKinds()
    {
        using var client = await _app.ClientWithScopeAsync(new TokenRequest("t", [TokenScopes.Read], Kinds: ["visit"]));

        var page = await client.GetFromJsonAsync<JsonElement>("/v1/search/place?lat=48.8584&lon=2.2945&radius=5000");
        var kinds = page.GetProperty("items").EnumerateArray().Select(h => h.GetProperty("record").GetProperty("kind").GetString()!).ToArray();

        Assert.Equal(["visit", "visit"], kinds);
    }

    [Fact]
    public async Task Timeline_CountsOnlyTokenRecords()
    {
        using var client = await ClientAsync([SearchFixture.Places]);

        var page = await client.GetFromJsonAsync<JsonElement>("/v1/timeline?interval=month");
        var buckets = page.GetProperty("items").EnumerateArray()
            .Select(b => $"{b.GetProperty("period").GetString()} {b.GetProperty("kind").GetString()} {b.GetProperty("count").GetInt64()}").ToArray();

        Assert.Equal(["2024-06-01 location 1", "2024-06-01 visit 3"], buckets);
    }

    [Theory]
    [InlineData(null, 3)]
    [InlineData(SearchFixture.Notes, 3)]
    [InlineData(SearchFixture.Places, 0)]
    public async Task OnThisDay_SeesOnlyTokenDatasets(string? dataset, int expected)
    {
        using var client = await ClientAsync(dataset is null ? [] : [dataset]);

        var page = await client.GetFromJsonAsync<JsonElement>("/v1/timeline/on-this-day?date=05-14");

        Assert.Equal(expected, page.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("SELECT DISTINCT dataset FROM lake_records ORDER BY dataset", "test/places/owner")]
    [InlineData("SELECT name || ':' || record_count FROM lake_datasets", "test/places/owner:4")]
    [InlineData("SELECT count(*) FROM lake_records r JOIN lake_records s ON s.id = r.id", "4")]
    [InlineData("WITH x AS (SELECT * FROM lake_records) SELECT count(*) FROM x", "4")]
    public async Task Sql_ReadsOnlyTokenRecords(string sql, string expected)
    {
        using var client = await ClientAsync([SearchFixture.Places]);

        var response = await client.PostAsJsonAsync("/v1/sql", new { sql });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var values = body.GetProperty("rows").EnumerateArray().Select(r => r[0].ToString()).ToArray();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([expected], values);
    }

    [Theory]
    [InlineData("SELECT count(*) FROM main.lake_records")]
    [InlineData("SELECT count(*) FROM \"main\".lake_datasets")]
    [InlineData("SELECT count(*) FROM records")]
    public async Task Sql_ConstrainedTokenCannotReachUnfilteredViews(string sql)
    {
        using var client = await ClientAsync([SearchFixture.Places]);

        var response = await client.PostAsJsonAsync("/v1/sql", new { sql });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Sql_UnconstrainedTokenReadsMainViews()
    {
        using var client = await ClientAsync([]);

        var response = await client.PostAsJsonAsync("/v1/sql", new { sql = "SELECT count(*) FROM main.lake_records" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal(12, body.GetProperty("rows")[0][0].GetInt64());
    }

    [Theory]
    [InlineData("SELECT count(*) FROM records")]
    [InlineData("SELECT count(*) FROM access_tokens")]
    [InlineData("SELECT 1 FROM audit_log LIMIT 1")]
    public async Task Sql_WholeTableReadOutsideViewsIsRejected(string sql)
    {
        using var client = await ClientAsync([]);

        var response = await client.PostAsJsonAsync("/v1/sql", new { sql });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Sql_NeedsReadScope()
    {
        using var client = await _app.ClientWithScopeAsync(new TokenRequest("t", [TokenScopes.Ingest]));

        var response = await client.PostAsJsonAsync("/v1/sql", new { sql = "SELECT 1" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private Task<HttpClient> ClientAsync(string[] datasets) =>
        _app.ClientWithScopeAsync(new TokenRequest("t", [TokenScopes.Read], Datasets: datasets));

    private static string[] Datasets(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(h => h.GetProperty("record").GetProperty("dataset").GetString()!).Distinct().ToArray();

    private static DateTimeOffset Date(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
