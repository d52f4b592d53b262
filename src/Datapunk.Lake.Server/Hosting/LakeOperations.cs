using System.Globalization;
using System.Net;
using Datapunk.Lake.Server.Health;
using Datapunk.Lake.Server.Integrity;
using Datapunk.Lake.Server.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Datapunk.Lake.Server.Hosting;

/// <summary>What an operator needs around the API: logging, install integrity, health checks and metrics.</summary>
public static class LakeOperations
{
    /// <summary>Configuration key (and environment variable) of an extra HTTPS port with the development certificate.</summary>
    public const string HttpsPortKey = "LAKE_HTTPS_PORT";

    /// <summary>
    /// Configures console logging, the install check at start, the readiness checks and metrics. Every setting is
    /// read and validated here, so a bad value stops the server before it listens.
    /// </summary>
    /// <param name="verifyInstallAtStart">Whether to register the install check as a hosted service. <c>lake serve</c> passes false because it runs the check before it opens the lake.</param>
    /// <exception cref="InvalidSettingException">A setting is not valid.</exception>
    public static WebApplicationBuilder AddLakeOperations(this WebApplicationBuilder builder, bool verifyInstallAtStart)
    {
        builder.Logging.AddLakeConsole(builder.Configuration, builder.Environment);

        InstallVerificationSettings.ReadMode(builder.Configuration, builder.Environment, out _);
        if (verifyInstallAtStart)
        {
            // Registered before every other hosted service, so nothing runs from files that fail the check.
            builder.Services.AddHostedService<InstallIntegrityStartupCheck>();
        }

        ReadHttpsPort(builder.Configuration);
        builder.Services.AddLakeHealthChecks(builder.Configuration, builder.Environment);
        builder.Services.AddLakeTelemetry();
        return builder;
    }

    /// <summary>
    /// Adds an HTTPS endpoint on <c>LAKE_HTTPS_PORT</c> when it is set, with Kestrel's default certificate: the
    /// ASP.NET Core development certificate, which the development image makes for <c>localhost</c>.
    /// </summary>
    /// <exception cref="InvalidSettingException">The port is not a number from 1 to 65535.</exception>
    public static void ListenDevelopmentHttps(this KestrelServerOptions kestrel, IConfiguration configuration, string host)
    {
        if (ReadHttpsPort(configuration) is { } port)
        {
            kestrel.Listen(IPAddress.Parse(host), port, listen => listen.UseHttps());
        }
    }

    private static int? ReadHttpsPort(IConfiguration configuration)
    {
        var text = configuration[HttpsPortKey];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new InvalidSettingException(HttpsPortKey, text, "Use a number from 1 to 65535, or leave it unset for no HTTPS endpoint.");
        }

        return port;
    }
}
