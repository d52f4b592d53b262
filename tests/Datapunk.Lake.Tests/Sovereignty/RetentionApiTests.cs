using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Datapunk.Lake.Sovereignty.Access;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Sovereignty;

public sealed class RetentionApiTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        await OwnerFixtures.ImportAsync(_app.Lake, "owner", OwnerFixtures.SecretRecordsJson);
        await OwnerFixtures.ImportAsync(_app.Lake, "keeper", OwnerFixtures.KeptRecordsJson);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Put_ThenGetListsPolicy()
    {
        var put = await _app.Client.PutAsJsonAsync("/v1/retention", new { dataset = OwnerFixtures.OwnerDataset, maxAgeDays = 30 });
        var list = await _app.Client.GetFromJsonAsync<JsonElement>("/v1/retention");
        var policy = list.GetProperty("items").EnumerateArray().Single();

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(OwnerFixtures.OwnerDataset, policy.GetProperty("dataset").GetString());
        Assert.Equal(30, policy.GetProperty("maxAgeDays").GetInt32());
    }

    [Fact]
    public async Task Put_WithoutDatasetOrKindIs400()
    {
        var put = await _app.Client.PutAsJsonAsync("/v1/retention", new { maxAgeDays = 30 });

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
    }

    [Fact]
    public async Task Preview_CountsAndDeletesNothing()
    {
        await _app.Client.PutAsJsonAsync("/v1/retention", new { dataset = OwnerFixtures.OwnerDataset, maxAgeDays = 1 });

        var response = await _app.Client.PostAsync("/v1/retention/preview", null);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var outcome = body.GetProperty("items")[0].GetProperty("result");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, outcome.GetProperty("records").GetInt64());
        Assert.True(outcome.GetProperty("dryRun").GetBoolean());
        Assert.Equal(4, (await _app.TempLake.AllRecordsAsync()).Count);
    }

    [Fact]
    public async Task Run_DeletesExpiredRecordsAndIsAudited()
    {
        await _app.Client.PutAsJsonAsync("/v1/retention", new { dataset = OwnerFixtures.OwnerDataset, maxAgeDays = 1 });

        var response = await _app.Client.PostAsync("/v1/retention/run", null);
        var remaining = await _app.TempLake.AllRecordsAsync();
        var audit = await _app.Client.GetFromJsonAsync<JsonElement>("/v1/audit?limit=1000");
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(remaining, r => Assert.Equal(OwnerFixtures.KeeperDataset, r.Dataset));
        Assert.Contains("retention.set", actions);
        Assert.Contains("retention.run", actions);
        Assert.Contains("POST /v1/retention/run", actions);
    }

    [Fact]
    public async Task Delete_RemovesPolicy()
    {
        var put = await _app.Client.PutAsJsonAsync("/v1/retention", new { kind = "location", maxAgeDays = 10 });
        var id = (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var removed = await _app.Client.DeleteAsync($"/v1/retention/{id}");
        var again = await _app.Client.DeleteAsync($"/v1/retention/{id}");
        var list = await _app.Client.GetFromJsonAsync<JsonElement>("/v1/retention");

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("GET", "/v1/retention")]
    [InlineData("PUT", "/v1/retention")]
    [InlineData("POST", "/v1/retention/preview")]
    [InlineData("POST", "/v1/retention/run")]
    public async Task Retention_NeedsAdmin(string method, string path)
    {
        using var client = await _app.ClientWithScopeAsync(new TokenRequest("t", [TokenScopes.Read, TokenScopes.Delete]));
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { kind = "location", maxAgeDays = 1 }) };

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(4, (await _app.TempLake.AllRecordsAsync()).Count);
    }
}
