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

    /// <summary>A client that sends the owner token (admin, no constraints).</summary>
    public HttpClient Client { get; }

    /// <summary>The owner token, as written to the data directory on the first start.</summary>
    public string OwnerToken => File.ReadAllText(Lake.Options.OwnerTokenPath).Trim();

    /// <summary>A client with no token at all.</summary>
    public HttpClient AnonymousClient() => App.GetTestClient();

    /// <summary>A client that sends the given token.</summary>
    public HttpClient ClientWith(string token)
    {
        var client = App.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Creates a token with the given scopes and constraints, and returns a client that sends it.</summary>
    public async Task<HttpClient> ClientWithScopeAsync(Datapunk.Lake.Sovereignty.Access.TokenRequest request)
    {
        var created = await Lake.Control.Tokens.CreateAsync(request, CancellationToken.None);
        return ClientWith(created.Secret);
    }

    /// <param name="configure">Runs on the builder after the server's own services, so a test can replace one.</param>
    public static async Task<TestApp> StartAsync(Action<WebApplicationBuilder>? configure = null)
    {
        var lake = await TempLake.CreateAsync();
        var app = LakeServer.Build(lake.Lake, new ServerOptions(), [], builder =>
        {
            builder.WebHost.UseTestServer();
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var client = app.GetTestClient();
        var owner = await File.ReadAllTextAsync(lake.Lake.Options.OwnerTokenPath);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", owner.Trim());
        return new TestApp(lake, app, client);
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
