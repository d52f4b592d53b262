using System.CommandLine;
using System.Globalization;
using Datapunk.Lake.Server.Hosting;

namespace Datapunk.Lake.Server.Cli;

internal static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int?>("--port") { Description = $"TCP port of the HTTP API. Default: ${ServerOptions.PortVariable}, else {ServerOptions.DefaultPort}." };
        var host = new Option<string>("--host") { Description = "Address to bind: 127.0.0.1 (default) for this machine only, 0.0.0.0 for every interface.", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("LAKE_HOST") ?? "127.0.0.1" };
        var command = new Command("serve", "Start the HTTP API.") { port, host };
        command.SetAction(async (result, cancellationToken) =>
        {
            var chosenPort = result.GetValue(port) ?? PortFromEnvironment();
            if (chosenPort is null or < 1 or > 65535)
            {
                Console.Error.WriteLine($"Invalid port '{result.GetValue(port)?.ToString(CultureInfo.InvariantCulture) ?? Environment.GetEnvironmentVariable(ServerOptions.PortVariable)}'. Use a number from 1 to 65535.");
                return 1;
            }

            if (!System.Net.IPAddress.TryParse(result.GetValue(host), out _))
            {
                Console.Error.WriteLine($"Invalid --host '{result.GetValue(host)}'. Use an IP address such as 127.0.0.1 or 0.0.0.0.");
                return 1;
            }

            var lake = await LakeCommandLine.OpenLakeAsync(result, account: null, cancellationToken);
            var options = new ServerOptions { Port = chosenPort.Value, Host = result.GetValue(host)! };
            var app = LakeServer.Build(lake, options, []);
            Log.Listening(app.Logger, $"http://{options.Host}:{options.Port}", lake.Options.DataDirectory);
            await app.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    private static int? PortFromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(ServerOptions.PortVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return ServerOptions.DefaultPort;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;
    }
}
