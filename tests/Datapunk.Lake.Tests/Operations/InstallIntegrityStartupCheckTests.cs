using Datapunk.Lake.Server.Integrity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;

namespace Datapunk.Lake.Tests.Operations;

public sealed class InstallIntegrityStartupCheckTests
{
    [Fact]
    public async Task Production_refuses_changed_dll()
    {
        using var app = await PublishedAppFolder.CreateAsync();
        app.ChangeOneByte("Datapunk.Lake.dll", 200);
        var logger = new CapturingLogger<InstallIntegrityStartupCheck>();
        var check = CreateCheck(app.Path, Environments.Production, mode: null, logger);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => check.StartAsync(CancellationToken.None));

        Assert.Contains("Refusing to start", exception.Message);
        Assert.Contains("modified: Datapunk.Lake.dll", exception.Message);
        Assert.Contains(logger.Entries, entry => entry.Level == LogLevel.Critical);
    }

    [Fact]
    public async Task Development_warns_and_starts()
    {
        using var app = await PublishedAppFolder.CreateAsync();
        app.ChangeOneByte("Datapunk.Lake.dll", 200);
        var logger = new CapturingLogger<InstallIntegrityStartupCheck>();
        var check = CreateCheck(app.Path, Environments.Development, mode: null, logger);

        await check.StartAsync(CancellationToken.None);

        var warning = Assert.Single(logger.Entries, entry => entry.Level == LogLevel.Warning);
        Assert.Contains("modified: Datapunk.Lake.dll", warning.Message);
    }

    [Fact]
    public async Task Intact_install_starts_in_production()
    {
        using var app = await PublishedAppFolder.CreateAsync();
        var logger = new CapturingLogger<InstallIntegrityStartupCheck>();
        var check = CreateCheck(app.Path, Environments.Production, mode: null, logger);

        await check.StartAsync(CancellationToken.None);

        Assert.Contains(logger.Entries, entry => entry.Level == LogLevel.Information && entry.Message.Contains("Install verified: 4 files", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_manifest_refused_only_when_enforced_explicitly()
    {
        using var app = await PublishedAppFolder.CreateAsync();
        File.Delete(app.FilePath(InstallManifest.FileName));

        await CreateCheck(app.Path, Environments.Production, mode: null, new CapturingLogger<InstallIntegrityStartupCheck>()).StartAsync(CancellationToken.None);
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(
            () => CreateCheck(app.Path, Environments.Production, mode: "enforce", new CapturingLogger<InstallIntegrityStartupCheck>()).StartAsync(CancellationToken.None));

        Assert.Contains(InstallManifest.FileName + " is missing", exception.Message);
    }

    [Fact]
    public async Task Off_mode_skips_the_check()
    {
        using var app = await PublishedAppFolder.CreateAsync();
        app.ChangeOneByte("lake.dll", 200);

        await CreateCheck(app.Path, Environments.Production, mode: "off", new CapturingLogger<InstallIntegrityStartupCheck>()).StartAsync(CancellationToken.None);
    }

    [Fact]
    public void Unknown_mode_is_rejected()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(InstallVerificationSettings.ModeKey, "strict")]).Build();

        var exception = Assert.Throws<InvalidSettingException>(
            () => InstallVerificationSettings.ReadMode(configuration, new HostingEnvironment { EnvironmentName = Environments.Production }, out _));

        Assert.Contains("Invalid LAKE_VERIFY_INSTALL 'strict'", exception.Message);
    }

    private static InstallIntegrityStartupCheck CreateCheck(string appDirectory, string environment, string? mode, ILogger<InstallIntegrityStartupCheck> logger)
    {
        var settings = new Dictionary<string, string?>();
        if (mode is not null)
        {
            settings[InstallVerificationSettings.ModeKey] = mode;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new InstallIntegrityStartupCheck(configuration, new HostingEnvironment { EnvironmentName = environment }, logger)
        {
            AppDirectory = appDirectory,
        };
    }
}
