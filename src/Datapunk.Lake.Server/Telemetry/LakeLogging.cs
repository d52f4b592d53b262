namespace Datapunk.Lake.Server.Telemetry;

/// <summary>
/// Console logging: one JSON object per line in production, so log collectors can parse it, and single-line
/// text in development.
/// </summary>
public static class LakeLogging
{
    /// <summary>Configuration key (and environment variable) for the format: <c>json</c> or <c>text</c>.</summary>
    public const string FormatKey = "LAKE_LOG_FORMAT";

    /// <summary>Configuration key (and environment variable) for the minimum level, such as <c>Debug</c>.</summary>
    public const string LevelKey = "LAKE_LOG_LEVEL";

    /// <exception cref="InvalidSettingException">The format or the level is not a known value.</exception>
    public static ILoggingBuilder AddLakeConsole(this ILoggingBuilder logging, IConfiguration configuration, IHostEnvironment environment)
    {
        var json = ReadFormatIsJson(configuration[FormatKey], environment.IsDevelopment());
        var level = ReadLevel(configuration[LevelKey]);

        logging.ClearProviders();
        if (json)
        {
            logging.AddJsonConsole(options =>
            {
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                options.IncludeScopes = true;
            });
        }
        else
        {
            logging.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss.fff ";
            });
        }

        if (level is { } minimum)
        {
            logging.SetMinimumLevel(minimum);

            // ASP.NET Core logs every routing and Kestrel step at Debug, which buries the lake's own messages.
            logging.AddFilter("Microsoft.AspNetCore", minimum < LogLevel.Information ? LogLevel.Information : minimum);
        }
        else
        {
            // ASP.NET Core writes four to six Information lines per request (request starting and finished, endpoint
            // executing and executed), which took about a fifth of the query throughput in BENCHMARKS.md. Every
            // /v1 request is in the audit log anyway. The web templates of ASP.NET Core set this category to Warning
            // too; LAKE_LOG_LEVEL=Information brings the lines back.
            logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }

        return logging;
    }

    private static bool ReadFormatIsJson(string? text, bool isDevelopment)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return !isDevelopment;
        }

        return text.Trim().ToUpperInvariant() switch
        {
            "JSON" => true,
            "TEXT" => false,
            _ => throw new InvalidSettingException(FormatKey, text, "Use 'json' (one JSON object per line) or 'text' (human-readable lines)."),
        };
    }

    private static LogLevel? ReadLevel(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (Enum.TryParse<LogLevel>(text.Trim(), ignoreCase: true, out var level) && Enum.IsDefined(level) && text.Trim().All(char.IsAsciiLetter))
        {
            return level;
        }

        throw new InvalidSettingException(LevelKey, text, "Use Trace, Debug, Information, Warning, Error, Critical or None.");
    }
}
