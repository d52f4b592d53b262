using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Datapunk.Lake.Server.Health;

/// <summary>Writes health reports as JSON: the status of each check, and on <c>/health</c> its figures.</summary>
internal static class HealthResponseWriter
{
    private static readonly DateTimeOffset ProcessStarted = DateTimeOffset.UtcNow;

    /// <summary>Status only, for <c>/health/ready</c> and <c>/health/live</c>.</summary>
    public static Task WriteStatusAsync(HttpContext http, HealthReport report) =>
        WriteAsync(http, report, writeFigures: false, detail: HealthDetail.Figures);

    /// <summary>Status with each check's figures, for <c>/health</c>; <see cref="HealthDetail.Full"/> adds errors, paths and process details.</summary>
    public static Task WriteDetailAsync(HttpContext http, HealthReport report)
    {
        var thresholds = http.RequestServices.GetRequiredService<HealthThresholds>();
        return WriteAsync(http, report, writeFigures: true, thresholds.Detail);
    }

    private static async Task WriteAsync(HttpContext http, HealthReport report, bool writeFigures, HealthDetail detail)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";

        await using var json = new Utf8JsonWriter(http.Response.Body, new JsonWriterOptions { Indented = writeFigures });
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteNumber("durationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 2));

        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            if (!writeFigures)
            {
                json.WriteString(name, entry.Status.ToString());
                continue;
            }

            WriteEntry(json, name, entry, detail);
        }

        json.WriteEndObject();

        if (writeFigures && detail == HealthDetail.Full)
        {
            WriteProcess(json, http.RequestServices);
        }

        json.WriteEndObject();
        await json.FlushAsync(http.RequestAborted);
    }

    private static void WriteEntry(Utf8JsonWriter json, string name, HealthReportEntry entry, HealthDetail detail)
    {
        json.WriteStartObject(name);
        json.WriteString("status", entry.Status.ToString());
        json.WriteString("description", entry.Description);
        json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 2));

        json.WriteStartObject("data");
        foreach (var (key, value) in entry.Data)
        {
            WriteValue(json, key, value);
        }

        json.WriteEndObject();

        // Exception messages can name paths and internals, so production shows only the description.
        if (detail == HealthDetail.Full && entry.Exception is not null)
        {
            json.WriteString("error", entry.Exception.GetType().Name + ": " + entry.Exception.Message);
        }

        json.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter json, string key, object value)
    {
        switch (value)
        {
            case long number:
                json.WriteNumber(key, number);
                break;
            case int number:
                json.WriteNumber(key, number);
                break;
            case double number:
                json.WriteNumber(key, number);
                break;
            case bool flag:
                json.WriteBoolean(key, flag);
                break;
            default:
                json.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static void WriteProcess(Utf8JsonWriter json, IServiceProvider services)
    {
        var lake = services.GetRequiredService<Lake>();
        var environment = services.GetRequiredService<IHostEnvironment>();
        using var process = Process.GetCurrentProcess();

        json.WriteStartObject("process");
        json.WriteString("environment", environment.EnvironmentName);
        json.WriteString("version", Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
        json.WriteString("runtime", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
        json.WriteNumber("processId", Environment.ProcessId);
        json.WriteNumber("uptimeSeconds", Math.Round((DateTimeOffset.UtcNow - ProcessStarted).TotalSeconds));
        json.WriteString("dataDirectory", lake.Options.DataDirectory);
        json.WriteString("appDirectory", AppContext.BaseDirectory);
        json.WriteNumber("threads", process.Threads.Count);
        json.WriteNumber("gcCollections", GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2));
        json.WriteEndObject();
    }
}
