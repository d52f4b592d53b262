using System.CommandLine;
using System.Globalization;
using Datapunk.Lake.Server.Hosting;
using Datapunk.Lake.Server.Integrity;
using Datapunk.Lake.Server.Telemetry;

namespace Datapunk.Lake.Server.Cli;

/// <summary><c>lake serve</c>: the HTTP API.</summary>
/// <remarks>
/// Exit codes: 0 after a normal stop, 2 for an invalid setting (option or environment), 1 when the install check
/// rejects the app's files or the server fails. Settings and the install are checked before the data directory is
/// opened, so a bad setting or a tampered install never touches the data.
/// </remarks>
internal static class ServeCommand
{
    public const string HostVariable = "LAKE_HOST";

    public static Command Create()
    {
        var port = new Option<string?>("--port") { Description = $"TCP port of the HTTP API, from 1 to 65535. Default: ${ServerOptions.PortVariable}, else {ServerOptions.DefaultPort}." };
        var host = new Option<string?>("--host") { Description = $"Address to bind: 127.0.0.1 (default) for this machine only, 0.0.0.0 for every interface. Default: ${HostVariable}, else 127.0.0.1." };
        var command = new Command("serve", "Start the HTTP API.") { port, host };
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = new ServerOptions
            {
                Port = ReadPort(result.GetValue(port)),
                Host = ReadHost(result.GetValue(host)),
            };
            var builder = LakeServer.CreateBuilder(options, [], verifyInstallAtStart: false);
            if (!await VerifyInstallAsync(builder, cancellationToken))
            {
                return 1;
            }

            var lake = await LakeCommandLine.OpenLakeAsync(result, account: null, cancellationToken);
            var app = LakeServer.Build(builder, lake, options);
            Log.Listening(app.Logger, $"http://{options.Host}:{options.Port}", lake.Options.DataDirectory);
            await app.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    /// <summary>Reads the port from <c>--port</c>, else <c>LAKE_PORT</c>, else the default.</summary>
    /// <exception cref="InvalidSettingException">The value is not a number from 1 to 65535.</exception>
    private static int ReadPort(string? option)
    {
        var (setting, text) = option is not null
            ? ("--port", option)
            : (ServerOptions.PortVariable, Environment.GetEnvironmentVariable(ServerOptions.PortVariable));
        if (option is null && string.IsNullOrWhiteSpace(text))
        {
            return ServerOptions.DefaultPort;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new InvalidSettingException(setting, text, "Use a number from 1 to 65535.");
        }

        return port;
    }

    /// <summary>Reads the address from <c>--host</c>, else <c>LAKE_HOST</c>, else 127.0.0.1.</summary>
    /// <exception cref="InvalidSettingException">The value is not an IP address.</exception>
    private static string ReadHost(string? option)
    {
        var (setting, text) = option is not null
            ? ("--host", option)
            : (HostVariable, Environment.GetEnvironmentVariable(HostVariable));
        if (option is null && string.IsNullOrWhiteSpace(text))
        {
            return "127.0.0.1";
        }

        if (!System.Net.IPAddress.TryParse(text, out _))
        {
            throw new InvalidSettingException(setting, text, "Use an IP address such as 127.0.0.1 or 0.0.0.0.");
        }

        return text!;
    }

    /// <summary>
    /// Runs the install check with the server's configuration and console logging, before the lake is opened.
    /// Returns false when the check rejects the app's files, after it logs the reason and prints it on standard error.
    /// </summary>
    private static async Task<bool> VerifyInstallAsync(WebApplicationBuilder builder, CancellationToken cancellationToken)
    {
        using var loggers = LoggerFactory.Create(logging => logging.AddLakeConsole(builder.Configuration, builder.Environment));
        var check = new InstallIntegrityStartupCheck(builder.Configuration, builder.Environment, loggers.CreateLogger<InstallIntegrityStartupCheck>());
        try
        {
            await check.StartAsync(cancellationToken);
            return true;
        }
        catch (InvalidOperationException exception) when (exception is not InvalidSettingException)
        {
            Console.Error.WriteLine(exception.Message);
            return false;
        }
        catch (FormatException exception)
        {
            Console.Error.WriteLine($"Refusing to start: {InstallManifest.FileName} is malformed ({exception.Message}). Reinstall the app or image.");
            return false;
        }
    }
}
