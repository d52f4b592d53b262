using System.Net.Http.Json;
using Datapunk.Lake.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Datapunk.Lake.Tests.Support;

/// <summary>The real server over a temporary lake, in a test host.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private TestApp(TempLake lake, WebApplication app, HttpClient client)
    {
        TempLake = lake;
        App = app;
        Client = client;
    }

    public TempLake TempLake { get; }

    public Lake Lake => TempLake.Lake;

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public static async Task<TestApp> StartAsync()
    {
        var lake = await TempLake.CreateAsync();
        var app = LakeServer.Build(lake.Lake, new ServerOptions(), [], builder => builder.WebHost.UseTestServer());
        await app.StartAsync();
        return new TestApp(lake, app, app.GetTestClient());
    }

    /// <summary>Uploads a file as an import and waits until the import has finished.</summary>
    public async Task<System.Text.Json.JsonElement> ImportAndWaitAsync(byte[] body, string name)
    {
        using var content = new ByteArrayContent(body);
        var response = await Client.PostAsync($"/v1/imports?name={Uri.EscapeDataString(name)}", content);
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var id = created.GetProperty("id").GetString()!;
        return await WaitForImportAsync(id);
    }

    public async Task<System.Text.Json.JsonElement> WaitForImportAsync(string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var import = await Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/v1/imports/{id}");
            var state = import.GetProperty("state").GetString();
            if (state is not ("Queued" or "Running"))
            {
                return import;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Import {id} is still {state} after 60 s.");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await TempLake.DisposeAsync();
    }
}
