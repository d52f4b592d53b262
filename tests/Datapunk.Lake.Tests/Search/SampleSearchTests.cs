using System.Net.Http.Json;
using System.Text.Json;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Search;

/// <summary>The main job end to end: import the sample Takeout over HTTP, then find one's own data in it.</summary>
public sealed class SampleSearchTests
{
    [Fact]
    public async Task SampleImport_FindsSearchByWord()
    {
        await using var app = await TestApp.StartAsync();
        await app.ImportAndWaitAsync(await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Path, "samples", "takeout-sample.zip")), "takeout-sample.zip");

        var result = await app.Client.GetFromJsonAsync<JsonElement>("/v1/search?q=currywurst&mode=text");
        var hit = result.GetProperty("items").EnumerateArray().Single();

        Assert.Equal("Searched for best currywurst near alexanderplatz", hit.GetProperty("record").GetProperty("title").GetString());
    }

    [Fact]
    public async Task SampleImport_FindsWordInUrl()
    {
        await using var app = await TestApp.StartAsync();
        await app.ImportAndWaitAsync(await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Path, "samples", "takeout-sample.zip")), "takeout-sample.zip");

        var result = await app.Client.GetFromJsonAsync<JsonElement>("/v1/search?q=tv-turm&mode=text");

        Assert.Equal("Visited Berlin TV Tower - Official Website", result.GetProperty("items").EnumerateArray().Single().GetProperty("record").GetProperty("title").GetString());
    }

    [Fact]
    public async Task SampleImport_FindsVisitNearPoint()
    {
        await using var app = await TestApp.StartAsync();
        await app.ImportAndWaitAsync(await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Path, "samples", "takeout-sample.zip")), "takeout-sample.zip");

        var result = await app.Client.GetFromJsonAsync<JsonElement>("/v1/search/place?lat=52.5207&lon=13.4095&radius=200&kind=visit");

        Assert.Equal("Alexanderplatz", result.GetProperty("items").EnumerateArray().Single().GetProperty("record").GetProperty("title").GetString());
    }
}
