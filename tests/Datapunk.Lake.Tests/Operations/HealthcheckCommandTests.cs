using Datapunk.Lake.Server.Cli;
using Datapunk.Lake.Server.Hosting;
using Datapunk.Lake.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Datapunk.Lake.Tests.Operations;

/// <summary><c>lake healthcheck</c> against the real server listening on a free loopback port.</summary>
public sealed class HealthcheckCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Healthy_server_exits_zero()
    {
        await using var lake = await TempLake.CreateAsync();
        await using var app = await StartAsync(lake);
        var output = new StringWriter();

        var exitCode = await HealthcheckCommand.CheckAsync(ReadyUrl(app), Timeout, output, CancellationToken.None);

        Assert.Equal(HealthcheckCommand.Healthy, exitCode);
        Assert.StartsWith("healthy:", output.ToString());
    }

    [Fact]
    public async Task Unhealthy_answer_exits_one()
    {
        await using var lake = await TempLake.CreateAsync();
        await using var app = await StartAsync(lake, "--LAKE_HEALTH_MIN_FREE_DISK_MB=1000000000");
        var output = new StringWriter();

        var exitCode = await HealthcheckCommand.CheckAsync(ReadyUrl(app), Timeout, output, CancellationToken.None);

        Assert.Equal(HealthcheckCommand.Unhealthy, exitCode);
        Assert.Contains("returned 503 Unhealthy, failing: disk", output.ToString());
    }

    [Fact]
    public async Task Closed_port_exits_one()
    {
        int port;
        await using (var lake = await TempLake.CreateAsync())
        await using (var app = await StartAsync(lake))
        {
            port = ReadyUrl(app).Port;
        }

        var output = new StringWriter();
        var exitCode = await HealthcheckCommand.CheckAsync(new Uri($"http://127.0.0.1:{port}/health/ready"), Timeout, output, CancellationToken.None);

        Assert.Equal(HealthcheckCommand.Unhealthy, exitCode);
        Assert.StartsWith("unhealthy:", output.ToString());
    }

    private static async Task<WebApplication> StartAsync(TempLake lake, params string[] args)
    {
        // Port 0: the system picks a free port on 127.0.0.1.
        var app = LakeServer.Build(lake.Lake, new ServerOptions { Port = 0 }, args);
        await app.StartAsync();
        return app;
    }

    private static Uri ReadyUrl(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new Uri(new Uri(address), "/health/ready");
    }
}
