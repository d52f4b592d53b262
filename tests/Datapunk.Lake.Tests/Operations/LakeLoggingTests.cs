using Datapunk.Lake.Server.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;

namespace Datapunk.Lake.Tests.Operations;

public sealed class LakeLoggingTests
{
    private const string RequestCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";
    private const string LakeCategory = "Datapunk.Lake.Server.Hosting.ImportWorker";

    [Fact]
    public void Default_OmitsPerRequestLines()
    {
        using var services = LoggingWith(level: null);
        var factory = services.GetRequiredService<ILoggerFactory>();

        Assert.False(factory.CreateLogger(RequestCategory).IsEnabled(LogLevel.Information));
        Assert.True(factory.CreateLogger(RequestCategory).IsEnabled(LogLevel.Warning));
        Assert.True(factory.CreateLogger(LakeCategory).IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void InformationLevel_KeepsPerRequestLines()
    {
        using var services = LoggingWith(level: "Information");
        var factory = services.GetRequiredService<ILoggerFactory>();

        Assert.True(factory.CreateLogger(RequestCategory).IsEnabled(LogLevel.Information));
        Assert.True(factory.CreateLogger(LakeCategory).IsEnabled(LogLevel.Information));
    }

    private static ServiceProvider LoggingWith(string? level)
    {
        var settings = new Dictionary<string, string?> { [LakeLogging.LevelKey] = level };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var environment = new HostingEnvironment { EnvironmentName = Environments.Production };
        return new ServiceCollection()
            .AddLogging(logging => logging.AddLakeConsole(configuration, environment))
            .BuildServiceProvider();
    }
}
