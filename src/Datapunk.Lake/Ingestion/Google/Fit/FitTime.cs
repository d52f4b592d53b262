using System.Globalization;

namespace Datapunk.Lake.Ingestion.Google.Fit;

/// <summary>Converts the nanosecond times of Google Fit data points.</summary>
public static class FitTime
{
    /// <summary>
    /// Converts nanoseconds since the epoch. Every 64-bit value fits: <see cref="long.MaxValue"/> nanoseconds is in the
    /// year 2262 and <see cref="long.MinValue"/> in 1677, both inside <see cref="DateTimeOffset"/>'s range, and the
    /// division by 100 (nanoseconds per tick) comes before any addition, so nothing overflows. A value that does not
    /// fit 64 bits is rejected by the caller as not a number.
    /// </summary>
    public static DateTimeOffset FromNanoseconds(long nanoseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks(nanoseconds / 100);

    /// <summary>Nanoseconds as merge-key text.</summary>
    public static string Key(long nanoseconds) => nanoseconds.ToString(CultureInfo.InvariantCulture);
}
