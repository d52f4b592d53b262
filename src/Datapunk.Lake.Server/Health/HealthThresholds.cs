using System.Globalization;

namespace Datapunk.Lake.Server.Health;

/// <summary>Limits that turn readiness unhealthy, and how much detail the health endpoints show.</summary>
public sealed record HealthThresholds
{
    /// <summary>Configuration key (and environment variable) for <see cref="MinimumFreeDiskBytes"/>, in MiB.</summary>
    public const string MinimumFreeDiskKey = "LAKE_HEALTH_MIN_FREE_DISK_MB";

    /// <summary>Configuration key (and environment variable) for <see cref="MaximumMemoryBytes"/>, in MiB.</summary>
    public const string MaximumMemoryKey = "LAKE_HEALTH_MAX_MEMORY_MB";

    /// <summary>Configuration key (and environment variable) for <see cref="Detail"/>: <c>figures</c> or <c>full</c>.</summary>
    public const string DetailKey = "LAKE_HEALTH_DETAIL";

    public const long DefaultMinimumFreeDiskMebibytes = 256;

    /// <summary>The share of the memory available to the process (the container limit when there is one) used as the default limit.</summary>
    public const double DefaultMemoryShare = 0.9;

    private const long Mebibyte = 1024 * 1024;

    /// <summary>Free space on the data directory's file system below which the lake is unhealthy.</summary>
    public long MinimumFreeDiskBytes { get; init; } = DefaultMinimumFreeDiskMebibytes * Mebibyte;

    /// <summary>Working set above which the lake is unhealthy.</summary>
    public long MaximumMemoryBytes { get; init; } = DefaultMaximumMemoryBytes();

    public HealthDetail Detail { get; init; } = HealthDetail.Figures;

    /// <summary>
    /// Reads the thresholds from configuration, where environment variables of the same names land.
    /// </summary>
    /// <exception cref="InvalidSettingException">A value is not a whole number of MiB in range, or not a known detail level.</exception>
    public static HealthThresholds FromConfiguration(IConfiguration configuration, bool isDevelopment)
    {
        return new HealthThresholds
        {
            MinimumFreeDiskBytes = ReadMebibytes(configuration, MinimumFreeDiskKey, minimum: 0) ?? DefaultMinimumFreeDiskMebibytes * Mebibyte,
            MaximumMemoryBytes = ReadMebibytes(configuration, MaximumMemoryKey, minimum: 1) ?? DefaultMaximumMemoryBytes(),
            Detail = ReadDetail(configuration[DetailKey], isDevelopment),
        };
    }

    /// <summary>90% of the memory that the GC reports as available, which follows a cgroup (container) limit when one is set.</summary>
    public static long DefaultMaximumMemoryBytes() =>
        (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * DefaultMemoryShare);

    private static long? ReadMebibytes(IConfiguration configuration, string key, long minimum)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        const long maximum = long.MaxValue / Mebibyte;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var mebibytes) || mebibytes < minimum || mebibytes > maximum)
        {
            throw new InvalidSettingException(key, text,
                $"Use a whole number of MiB from {minimum.ToString(CultureInfo.InvariantCulture)} to {maximum.ToString(CultureInfo.InvariantCulture)}, or leave it unset for the default.");
        }

        return mebibytes * Mebibyte;
    }

    private static HealthDetail ReadDetail(string? text, bool isDevelopment)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return isDevelopment ? HealthDetail.Full : HealthDetail.Figures;
        }

        return text.Trim().ToUpperInvariant() switch
        {
            "FIGURES" => HealthDetail.Figures,
            "FULL" => HealthDetail.Full,
            _ => throw new InvalidSettingException(DetailKey, text, "Use 'figures' (status and measured figures) or 'full' (also error messages, paths and process details, meant for development)."),
        };
    }
}

/// <summary>How much <c>/health</c> shows.</summary>
public enum HealthDetail
{
    /// <summary>Status and measured figures of every check.</summary>
    Figures,

    /// <summary>Also error messages, paths and process details; meant for development.</summary>
    Full,
}
