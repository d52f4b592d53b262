using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Datapunk.Lake.Server.Hosting;

namespace Datapunk.Lake.Server.Cli;

/// <summary>
/// <c>lake healthcheck</c>: requests a running server's readiness endpoint and exits 0 only when it reports Healthy.
/// A container health check then fails both when the server does not respond and when it reports itself unhealthy.
/// </summary>
internal static class HealthcheckCommand
{
    public const int Healthy = 0;

    public const int Unhealthy = 1;

    public static Command Create()
    {
        var timeout = new Option<double>("--timeout")
        {
            Description = "Seconds to wait for the answer before reporting unhealthy.",
            DefaultValueFactory = _ => 5,
        };
        var url = new Option<string?>("--url")
        {
            Description = $"Readiness endpoint to ask. Default: http://127.0.0.1:${ServerOptions.PortVariable}/health/ready, with port {ServerOptions.DefaultPort} when ${ServerOptions.PortVariable} is unset.",
        };
        var command = new Command("healthcheck", "Check that the running server reports itself ready; exit 0 when healthy, 1 otherwise.") { timeout, url };
        command.SetAction(async (result, cancellationToken) =>
        {
            var seconds = result.GetValue(timeout);
            if (seconds is <= 0 or > 3600 || double.IsNaN(seconds))
            {
                Console.Error.WriteLine($"Invalid --timeout '{seconds.ToString(CultureInfo.InvariantCulture)}'. Use a number of seconds above 0 and at most 3600.");
                return 2;
            }

            var urlText = result.GetValue(url);
            Uri? target;
            if (urlText is not null)
            {
                if (!Uri.TryCreate(urlText, UriKind.Absolute, out target) || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
                {
                    Console.Error.WriteLine($"Invalid --url '{urlText}'. Use an absolute http or https URL such as http://127.0.0.1:8000/health/ready.");
                    return 2;
                }
            }
            else if ((target = DefaultUrl()) is null)
            {
                Console.Error.WriteLine($"Invalid ${ServerOptions.PortVariable} '{Environment.GetEnvironmentVariable(ServerOptions.PortVariable)}'. Use a number from 1 to 65535, or pass --url.");
                return 2;
            }

            return await CheckAsync(target, TimeSpan.FromSeconds(seconds), Console.Out, cancellationToken);
        });
        return command;
    }

    /// <summary>Requests <paramref name="url"/> and returns <see cref="Healthy"/> or <see cref="Unhealthy"/>, writing one line of reason.</summary>
    public static async Task<int> CheckAsync(Uri url, TimeSpan timeout, TextWriter output, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = timeout };
        try
        {
            using var response = await client.GetAsync(url, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var status = ReadStatus(body);
            if (response.StatusCode == HttpStatusCode.OK && status == "Healthy")
            {
                await output.WriteLineAsync($"healthy: {url} returned 200 {status}");
                return Healthy;
            }

            await output.WriteLineAsync($"unhealthy: {url} returned {(int)response.StatusCode} {status ?? "without a status"}{DescribeFailingChecks(body)}");
            return Unhealthy;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync($"unhealthy: {url} did not answer within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
            return Unhealthy;
        }
        catch (HttpRequestException exception)
        {
            await output.WriteLineAsync($"unhealthy: {url} failed: {exception.Message}");
            return Unhealthy;
        }
    }

    private static Uri? DefaultUrl()
    {
        var text = Environment.GetEnvironmentVariable(ServerOptions.PortVariable);
        var port = ServerOptions.DefaultPort;
        if (!string.IsNullOrWhiteSpace(text)
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            return null;
        }

        return new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/health/ready");
    }

    private static string? ReadStatus(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("status", out var status) ? status.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>", failing: disk, memory" from a health response whose checks map names to statuses.</summary>
    private static string DescribeFailingChecks(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("checks", out var checks) || checks.ValueKind != JsonValueKind.Object)
            {
                return "";
            }

            var failing = checks.EnumerateObject()
                .Where(check => check.Value.ValueKind == JsonValueKind.String && check.Value.GetString() != "Healthy")
                .Select(check => check.Name)
                .ToList();
            return failing.Count == 0 ? "" : ", failing: " + string.Join(", ", failing);
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
