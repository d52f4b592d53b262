using System.Net;
using System.Text.Json;
using Datapunk.Lake.Server.Hosting;
using Datapunk.Lake.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace Datapunk.Lake.Tests.Operations;

/// <summary>The health endpoints of the real server over a real lake in a temporary data directory.</summary>
public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Health_reports_every_figure_when_healthy()
    {
        await using var lake = await TempLake.CreateAsync();
        await using var app = await StartAsync(lake);
        using var client = app.GetTestClient();

        using var response = await client.GetAsync("/health");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = body.RootElement.GetProperty("checks");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.True(checks.GetProperty("database").GetProperty("data").GetProperty("latencyMs").GetDouble() >= 0);
        Assert.True(checks.GetProperty("blobStore").GetProperty("data").GetProperty("writable").GetBoolean());
        Assert.True(checks.GetProperty("disk").GetProperty("data").GetProperty("freeBytes").GetInt64() > 0);
        Assert.Equal(256L * 1024 * 1024, checks.GetProperty("disk").GetProperty("data").GetProperty("minimumFreeBytes").GetInt64());
        Assert.True(checks.GetProperty("memory").GetProperty("data").GetProperty("workingSetBytes").GetInt64() > 0);
        Assert.True(checks.GetProperty("memory").GetProperty("data").GetProperty("limitBytes").GetInt64() > 0);
        Assert.False(body.RootElement.TryGetProperty("process", out _), "production detail must not show process details");
    }

    [Fact]
    public async Task Ready_lists_each_check_status()
    {
        await using var lake = await TempLake.CreateAsync();
        await using var app = await StartAsync(lake);
        using var client = app.GetTestClient();

        using var response = await client.GetAsync("/health/ready");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        foreach (var name in new[] { "database", "blobStore", "disk", "memory" })
        {
            Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty(name).GetString());
        }
    }

    [Fact]
    public async Task Disk_below_minimum_is_503()
    {
        await using var lake = await TempLake.CreateAsync();
        await using var app = await StartAsync(lake, "--LAKE_HEALTH_MIN_FREE_DISK_MB=1000000000");
        using var client = app.GetTestClient();

        using var ready = await client.GetAsync("/health/ready");
        using var detail = await client.GetAsync("/health");
        using var body = JsonDocument.Parse(await detail.Content.ReadAsStringAsync());
        var disk = body.RootElement.GetProperty("checks").GetProperty("disk");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, detail.StatusCode);
        Assert.Equal("Unhealthy", disk.GetProperty("status").GetString());
        Assert.Equal(1000000000L * 1024 * 1024, disk.GetProperty("data").GetProperty("minimumFreeBytes").GetInt64());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Memory_above_limit_is_503()
    {
        await using var lake = await TempLake.CreateAsync();
        await using var app = await StartAsync(lake, "--LAKE_HEALTH_MAX_MEMORY_MB=1");
        using var client = app.GetTestClient();

        using var response = await client.GetAsync("/health");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var memory = body.RootElement.GetProperty("checks").GetProperty("memory");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", memory.GetProperty("status").GetString());
        Assert.Equal(1024L * 1024, memory.GetProperty("data").GetProperty("limitBytes").GetInt64());
    }

    [Fact]
    public async Task Unwritable_blob_store_is_503()
    {
        await using var lake = await TempLake.CreateAsync();

        // A file in place of the temporary folder makes every blob write fail, even for root, which
        // ignores permission bits.
        var temporaryFolder = Path.Combine(lake.Lake.Options.BlobDirectory, ".tmp");
        Directory.Delete(temporaryFolder, recursive: true);
        await File.WriteAllTextAsync(temporaryFolder, "in the way");
        await using var app = await StartAsync(lake);
        using var client = app.GetTestClient();

        using var response = await client.GetAsync("/health/ready");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("checks").GetProperty("blobStore").GetString());
    }

    [Fact]
    public async Task Full_detail_adds_process_section()
    {
        await using var lake = await TempLake.CreateAsync();
        await using var app = await StartAsync(lake, "--LAKE_HEALTH_DETAIL=full");
        using var client = app.GetTestClient();

        using var response = await client.GetAsync("/health");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var process = body.RootElement.GetProperty("process");

        Assert.Equal(lake.Directory, process.GetProperty("dataDirectory").GetString());
        Assert.True(process.GetProperty("processId").GetInt32() > 0);
    }

    [Fact]
    public async Task Live_runs_no_check()
    {
        await using var lake = await TempLake.CreateAsync();
        await using var app = await StartAsync(lake, "--LAKE_HEALTH_MIN_FREE_DISK_MB=1000000000");
        using var client = app.GetTestClient();

        using var response = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("--LAKE_HEALTH_MIN_FREE_DISK_MB=lots", "LAKE_HEALTH_MIN_FREE_DISK_MB 'lots'")]
    [InlineData("--LAKE_HEALTH_MAX_MEMORY_MB=0", "LAKE_HEALTH_MAX_MEMORY_MB '0'")]
    [InlineData("--LAKE_HEALTH_DETAIL=everything", "LAKE_HEALTH_DETAIL 'everything'")]
    [InlineData("--LAKE_LOG_FORMAT=xml", "LAKE_LOG_FORMAT 'xml'")]
    [InlineData("--LAKE_LOG_LEVEL=Loud", "LAKE_LOG_LEVEL 'Loud'")]
    [InlineData("--LAKE_HTTPS_PORT=70000", "LAKE_HTTPS_PORT '70000'")]
    public async Task Invalid_setting_stops_the_server(string argument, string expected)
    {
        await using var lake = await TempLake.CreateAsync();

        var exception = await Assert.ThrowsAsync<InvalidSettingException>(async () =>
        {
            await using var app = await StartAsync(lake, argument);
        });

        Assert.Contains(expected, exception.Message);
    }

    private static async Task<WebApplication> StartAsync(TempLake lake, params string[] args)
    {
        var app = LakeServer.Build(lake.Lake, new ServerOptions(), args, builder => builder.WebHost.UseTestServer());
        await app.StartAsync();
        return app;
    }
}
