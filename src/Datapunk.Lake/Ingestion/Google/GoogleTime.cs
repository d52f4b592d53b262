using System.Globalization;

namespace Datapunk.Lake.Ingestion.Google;

/// <summary>Parses the time formats that Google exports use.</summary>
public static class GoogleTime
{
    /// <summary>
    /// Parses an ISO 8601 / RFC 3339 time such as <c>2022-01-12T17:13:45.123Z</c> or <c>2024-03-01T08:00:00.000+01:00</c>,
    /// keeping its offset. Returns false for anything else.
    /// </summary>
    public static bool TryParseIso(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length < 10 || !char.IsAsciiDigit(text[0]))
        {
            return false;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    /// <summary>Parses epoch milliseconds given as a number or a string of digits.</summary>
    public static bool TryParseEpochMilliseconds(string? text, out DateTimeOffset value)
    {
        value = default;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return false;
        }

        return TryFromEpochMilliseconds(milliseconds, out value);
    }

    public static bool TryFromEpochMilliseconds(long milliseconds, out DateTimeOffset value)
    {
        value = default;
        if (milliseconds < -62_135_596_800_000L || milliseconds > 253_402_300_799_999L)
        {
            return false;
        }

        value = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return true;
    }

    /// <summary>Milliseconds since the epoch as merge-key text, so that the same instant always gives the same key.</summary>
    public static string Key(DateTimeOffset time) =>
        time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>Formats a time for attributes: ISO 8601 with its offset.</summary>
    public static string Format(DateTimeOffset time) =>
        time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
}
