using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Api;

public sealed class ImportsApiTests
{
    [Fact]
    public async Task PostImport_Returns202WithLocation()
    {
        await using var app = await TestApp.StartAsync();
        using var content = new ByteArrayContent(Fixtures.Zip(("Takeout/Location History/Records.json", Fixtures.RecordsJson)));

        var response = await app.Client.PostAsync("/v1/imports?name=takeout.zip", content);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/v1/imports/{body.GetProperty("id").GetString()}", response.Headers.Location?.OriginalString);
        await app.WaitForImportAsync(body.GetProperty("id").GetString()!);
    }

    [Fact]
    public async Task PostImport_ReportsCountsAndFiles()
    {
        await using var app = await TestApp.StartAsync();
        var zip = Fixtures.Zip(
            ("Takeout/Location History/Records.json", Fixtures.RecordsJson),
            ("Takeout/archive_browser.html", "<html></html>"),
            ("Takeout/Keep/broken.json", "{\"title\": \"x\",\n \"textContent\": }"));

        var import = await app.ImportAndWaitAsync(zip, "takeout.zip");

        Assert.Equal("Succeeded", import.GetProperty("state").GetString());
        var counts = import.GetProperty("counts");
        Assert.Equal(3, counts.GetProperty("recordsAdded").GetInt64());
        Assert.Equal(1, counts.GetProperty("filesKept").GetInt32());
        Assert.Equal(1, counts.GetProperty("errors").GetInt32());
        Assert.Equal(1, import.GetProperty("parsedByFormat").GetProperty("google.location-history.records").GetInt32());
        var broken = import.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("path").GetString() == "Takeout/Keep/broken.json");
        Assert.Equal("Error", broken.GetProperty("outcome").GetString());
        Assert.StartsWith("line 2, column", broken.GetProperty("position").GetString());
    }

    [Fact]
    public async Task PostImport_StoresUploadAsBlob()
    {
        await using var app = await TestApp.StartAsync();
        var zip = Fixtures.Zip(("Takeout/Location History/Records.json", Fixtures.RecordsJson));

        var import = await app.ImportAndWaitAsync(zip, "takeout.zip");
        var sourceBlob = import.GetProperty("sourceBlob").GetString();
        var stored = await app.Client.GetByteArrayAsync($"/v1/blobs/{sourceBlob}");

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(zip)), sourceBlob);
        Assert.Equal(zip, stored);
    }

    [Fact]
    public async Task PostImport_EmptyBodyIsRejected()
    {
        await using var app = await TestApp.StartAsync();
        using var content = new ByteArrayContent([]);

        var response = await app.Client.PostAsync("/v1/imports", content);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("request body is empty", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task PostImport_SameArchiveTwiceAddsNothing()
    {
        await using var app = await TestApp.StartAsync();
        var zip = Fixtures.Zip(("Takeout/Location History/Records.json", Fixtures.RecordsJson));

        await app.ImportAndWaitAsync(zip, "takeout.zip");
        var second = await app.ImportAndWaitAsync(zip, "takeout.zip");

        Assert.Equal(0, second.GetProperty("counts").GetProperty("recordsAdded").GetInt64());
        Assert.Equal(0, second.GetProperty("counts").GetProperty("filesStored").GetInt32());
        Assert.Equal(1, second.GetProperty("counts").GetProperty("filesUnchanged").GetInt32());
        Assert.Equal(3, second.GetProperty("counts").GetProperty("duplicatesSkipped").GetInt64());
        Assert.Equal(3, await app.Lake.Records.CountRecordsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetImports_ListsNewestFirst()
    {
        await using var app = await TestApp.StartAsync();
        var first = await app.ImportAndWaitAsync(Fixtures.Zip(("a.txt", "a")), "a.zip");
        var second = await app.ImportAndWaitAsync(Fixtures.Zip(("b.txt", "b")), "b.zip");

        var list = await app.Client.GetFromJsonAsync<JsonElement>("/v1/imports");
        var ids = list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();

        Assert.Equal([second.GetProperty("id").GetString(), first.GetProperty("id").GetString()], ids);
    }

    [Fact]
    public async Task GetImport_UnknownIdIs404()
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.Client.GetAsync("/v1/imports/imp_nothing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
