using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Datapunk.Lake.Sovereignty.Access;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Sovereignty;

public sealed class AccessApiTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private string _ownerBlob = "";
    private string _keeperBlob = "";
    private string _ownerImport = "";

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        var owner = await OwnerFixtures.ImportAsync(_app.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        await OwnerFixtures.ImportAsync(_app.Lake, "keeper", OwnerFixtures.KeptRecordsJson);
        _ownerImport = owner.Id;
        var records = await _app.TempLake.AllRecordsAsync();
        _ownerBlob = records.First(r => r.Dataset == OwnerFixtures.OwnerDataset).Provenance.BlobSha256;
        _keeperBlob = records.First(r => r.Dataset == OwnerFixtures.KeeperDataset).Provenance.BlobSha256;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task NoToken_Gets401Problem()
    {
        using var client = _app.AnonymousClient();

        var response = await client.GetAsync("/v1/records");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Authentication required", body.GetProperty("title").GetString());
    }

    [Fact]
    public async Task BadToken_Gets401()
    {
        using var client = _app.ClientWith("dpl_0123456789abcdef_wrong");

        var response = await client.GetAsync("/v1/datasets");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_IsOpen(string path)
    {
        using var client = _app.AnonymousClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RevokedToken_Gets401()
    {
        var created = await _app.Lake.Control.Tokens.CreateAsync(new TokenRequest("app", [TokenScopes.Read]), CancellationToken.None);
        await _app.Lake.Control.Tokens.RevokeAsync(created.Token.Id, CancellationToken.None);
        using var client = _app.ClientWith(created.Secret);

        var response = await client.GetAsync("/v1/records");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ExpiredToken_Gets401()
    {
        var created = await _app.Lake.Control.Tokens.CreateAsync(new TokenRequest("app", [TokenScopes.Read], ExpiresIn: TimeSpan.FromMilliseconds(1)), CancellationToken.None);
        await Task.Delay(20);
        using var client = _app.ClientWith(created.Secret);

        var response = await client.GetAsync("/v1/records");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task FailedAuthentications_AreRateLimited()
    {
        using var bad = _app.ClientWith("dpl_0123456789abcdef_wrong");
        for (var i = 0; i < 10; i++)
        {
            await bad.GetAsync("/v1/records");
        }

        var response = await _app.Client.GetAsync("/v1/records");

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    /// <summary>Scope × endpoint: which right each endpoint needs, for tokens without constraints.</summary>
    [Theory]
    [InlineData("read", "GET", "/v1/records", 200)]
    [InlineData("read", "GET", "/v1/datasets", 200)]
    [InlineData("read", "GET", "/v1/imports", 200)]
    [InlineData("read", "GET", "/v1/formats", 200)]
    [InlineData("read", "POST", "/v1/imports", 403)]
    [InlineData("read", "POST", "/v1/exports", 403)]
    [InlineData("read", "DELETE", "/v1/records?from=2030-01-01", 403)]
    [InlineData("read", "GET", "/v1/tokens", 403)]
    [InlineData("read", "GET", "/v1/audit", 403)]
    [InlineData("ingest", "GET", "/v1/records", 403)]
    [InlineData("ingest", "POST", "/v1/imports", 400)]
    [InlineData("export", "GET", "/v1/records", 403)]
    [InlineData("export", "POST", "/v1/exports", 200)]
    [InlineData("delete", "GET", "/v1/records", 403)]
    [InlineData("delete", "DELETE", "/v1/records?from=2030-01-01&dryRun=true", 200)]
    [InlineData("delete", "POST", "/v1/exports", 403)]
    [InlineData("admin", "GET", "/v1/tokens", 200)]
    [InlineData("admin", "GET", "/v1/audit", 200)]
    [InlineData("admin", "GET", "/v1/audit/verify", 200)]
    [InlineData("admin", "GET", "/v1/records", 200)]
    public async Task Scope_GatesEndpoint(string scope, string method, string path, int expected)
    {
        using var client = await _app.ClientWithScopeAsync(new TokenRequest("test", [scope]));
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = path == "/v1/exports" ? JsonContent.Create(new { }) : new ByteArrayContent([]);
        }

        var response = await client.SendAsync(request);

        Assert.Equal(expected, (int)response.StatusCode);
    }

    [Fact]
    public async Task Forbidden_BodyHasNoData()
    {
        using var client = await _app.ClientWithScopeAsync(new TokenRequest("test", [TokenScopes.Ingest]));

        var response = await client.GetAsync("/v1/records");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(OwnerFixtures.SecretText, body);
        Assert.DoesNotContain("items", body);
    }

    /// <summary>Constraint × endpoint: a token limited to one dataset reads nothing of the other anywhere.</summary>
    [Fact]
    public async Task DatasetConstraint_FiltersRecords()
    {
        using var client = await _app.ClientWithScopeAsync(new TokenRequest("test", [TokenScopes.Read], Datasets: [OwnerFixtures.KeeperDataset]));

        var page = await client.GetFromJsonAsync<JsonElement>("/v1/records");
        var datasets = page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("dataset").GetString()).Distinct().ToList();

        Assert.Equal([OwnerFixtures.KeeperDataset], datasets);
    }

    [Fact]
    public async Task DatasetConstraint_FiltersDatasets()
    {
        using var client = await _app.ClientWithScopeAsync(new TokenRequest("test", [TokenScopes.Read], Datasets: [OwnerFixtures.KeeperDataset]));

        var list = await client.GetFromJsonAsync<JsonElement>("/v1/datasets");
        var names = list.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("name").GetString()).ToList();

        Assert.Equal([OwnerFixtures.KeeperDataset], names);
    }

    [Fact]
    public async Task DatasetConstraint_HidesOtherRecordById()
    {
        var other = (await _app.TempLake.AllRecordsAsync()).First(r => r.Dataset == OwnerFixtures.OwnerDataset);
        using var client = await _app.ClientWithScopeAsync(new TokenRequest("test", [TokenScopes.Read], Datasets: [OwnerFixtures.KeeperDataset]));

        var response = await client.GetAsync($"/v1/records/{other.Id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task DatasetConstraint_FiltersBlobs()
    {
        using var client = await _app.ClientWithScopeAsync(new TokenRequest("test", [TokenScopes.Read], Datasets: [OwnerFixtures.KeeperDataset]));

        var hidden = await client.GetAsync($"/v1/blobs/{_ownerBlob}");
        var visible = await client.GetAsync($"/v1/blobs/{_keeperBlob}");

        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(HttpStatusCode.OK, visible.StatusCode);
    }

    [Fact]
    public async Task DatasetConstraint_FiltersImports()
    {
        using var client = await _app.ClientWithScopeAsync(new TokenRequest("test", [TokenScopes.Read], Datasets: [OwnerFixtures.KeeperDataset]));

        var list = await client.GetFromJsonAsync<JsonElement>("/v1/imports");
        var single = await client.GetAsync($"/v1/imports/{_ownerImport}");

        Assert.Equal(1, list.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, single.StatusCode);
    }

    [Fact]
    public async Task KindConstraint_FiltersRecords()
    {
        using var client = await _app.ClientWithScopeAsync(new TokenRequest("test", [TokenScopes.Read], Kinds: ["visit"]));

        var page = await client.GetFromJsonAsync<JsonElement>("/v1/records");

        Assert.Equal(0, page.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task TimeConstraint_FiltersRecords()
    {
        using var client = await _app.ClientWithScopeAsync(new TokenRequest("test", [TokenScopes.Read],
            From: DateTimeOffset.Parse("2024-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));

        var page = await client.GetFromJsonAsync<JsonElement>("/v1/records");
        var starts = page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("start").GetString()).ToList();

        Assert.Equal(["2024-02-10T10:00:00+00:00", "2024-02-10T10:00:00+00:00"], starts);
    }

    [Fact]
    public async Task DatasetConstraint_FiltersExport()
    {
        using var client = await _app.ClientWithScopeAsync(new TokenRequest("test", [TokenScopes.Export], Datasets: [OwnerFixtures.KeeperDataset]));

        var response = await client.PostAsJsonAsync("/v1/exports", new { });
        using var zip = new System.IO.Compression.ZipArchive(await response.Content.ReadAsStreamAsync());
        using var reader = new StreamReader(zip.GetEntry("records.ndjson")!.Open());
        var text = await reader.ReadToEndAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(OwnerFixtures.SecretText, text);
        Assert.Contains(OwnerFixtures.KeptText, text);
    }

    [Fact]
    public async Task DatasetConstraint_DeletesOnlyInside()
    {
        using var client = await _app.ClientWithScopeAsync(new TokenRequest("test", [TokenScopes.Delete], Datasets: [OwnerFixtures.KeeperDataset]));

        var response = await client.DeleteAsync("/v1/records?from=2000-01-01");
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        var remaining = await _app.TempLake.AllRecordsAsync();

        Assert.Equal(2, result.GetProperty("records").GetInt64());
        Assert.All(remaining, r => Assert.Equal(OwnerFixtures.OwnerDataset, r.Dataset));
    }

    [Fact]
    public async Task DatasetConstraint_CannotDeleteOtherDataset()
    {
        using var client = await _app.ClientWithScopeAsync(new TokenRequest("test", [TokenScopes.Delete], Datasets: [OwnerFixtures.KeeperDataset]));

        var response = await client.DeleteAsync("/v1/datasets/" + OwnerFixtures.OwnerDataset);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(4, (await _app.TempLake.AllRecordsAsync()).Count);
    }

    [Fact]
    public async Task Tokens_CreateListRevokeOverApi()
    {
        var created = await _app.Client.PostAsJsonAsync("/v1/tokens", new { name = "phone", scopes = new[] { "read" }, datasets = new[] { OwnerFixtures.KeeperDataset }, expires = "30d" });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("token").GetProperty("id").GetString();
        using var phone = _app.ClientWith(body.GetProperty("secret").GetString()!);
        var before = await phone.GetAsync("/v1/records");
        var revoked = await _app.Client.DeleteAsync($"/v1/tokens/{id}");
        var after = await phone.GetAsync("/v1/records");
        var list = await _app.Client.GetStringAsync("/v1/tokens");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.DoesNotContain(body.GetProperty("secret").GetString()!, list);
    }

    [Fact]
    public async Task Calls_AreAuditedWithTokenId()
    {
        await _app.Client.GetAsync("/v1/records?kind=location");
        var page = await _app.Client.GetFromJsonAsync<JsonElement>("/v1/audit?limit=1000");
        var entry = page.GetProperty("items").EnumerateArray().Last(e => e.GetProperty("action").GetString() == "GET /v1/records");
        var owner = (await _app.Lake.Control.Tokens.ListAsync(CancellationToken.None)).Single(t => t.IsOwner);

        Assert.Equal(owner.Id, entry.GetProperty("tokenId").GetString());
        Assert.Equal("kind=location", entry.GetProperty("target").GetString());
        Assert.Equal("ok 200", entry.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Search_AuditsTextLengthOnly()
    {
        await _app.Client.GetAsync("/v1/search?q=zebrafinch");
        var page = await _app.Client.GetFromJsonAsync<JsonElement>("/v1/audit?limit=1000");
        var entry = page.GetProperty("items").EnumerateArray().Last(e => e.GetProperty("action").GetString() == "GET /v1/search/");

        Assert.Equal("q=(10 characters, not kept)", entry.GetProperty("target").GetString());
    }

    [Fact]
    public async Task PlaceSearch_LeavesNoCoordinatesInAuditFiles()
    {
        await _app.Client.GetAsync("/v1/search/place?lat=47.3712345&lon=8.5412345&radius=100");
        await _app.Client.GetAsync("/v1/records?bbox=8.5412345,47.3712345,8.6,47.4");

        var found = Directory.EnumerateFiles(_app.Lake.Options.DataDirectory, "audit*")
            .Where(path => File.ReadAllText(path, System.Text.Encoding.Latin1).Contains("8.5412345", StringComparison.Ordinal))
            .ToList();

        Assert.Empty(found);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void OwnerTokenFile_IsPrivate()
    {
        var mode = File.GetUnixFileMode(_app.Lake.Options.OwnerTokenPath);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }
}
