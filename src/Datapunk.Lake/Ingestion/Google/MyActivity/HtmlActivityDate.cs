using System.Globalization;
using System.Text.RegularExpressions;

namespace Datapunk.Lake.Ingestion.Google.MyActivity;

/// <summary>Parses the date line of a My Activity HTML entry in the languages Google writes it in.</summary>
/// <remarks>
/// Formats read, each with an optional time-zone name at the end (see <see cref="TimeZoneAbbreviations"/>):
/// <list type="bullet">
/// <item>English: <c>Jan 5, 2021, 10:03:04 AM PST</c>; legacy pages without a zone: <c>Jan 31, 2018, 10:54:50 PM</c>.</item>
/// <item>German: <c>05.01.2021, 10:03:04 MEZ</c> (day first; a '/' between the numbers is read the same way).</item>
/// <item>French and Spanish: <c>5 janv. 2021, 10:03:04 UTC+1</c>, <c>5 ene 2021, 10:03:04 CET</c>, with an optional
/// "de" around the month and "à"/"a las"/"um" before the time.</item>
/// </list>
/// A time without a zone is read as UTC and reported as such, because the legacy pages that omit it
/// appear to have printed UTC; the record then has <c>StartOffsetKnown = false</c>.
/// </remarks>
internal static partial class HtmlActivityDate
{
    private static readonly Dictionary<string, int> Months = new(StringComparer.OrdinalIgnoreCase)
    {
        // English
        ["jan"] = 1, ["january"] = 1, ["feb"] = 2, ["february"] = 2, ["mar"] = 3, ["march"] = 3, ["apr"] = 4, ["april"] = 4,
        ["may"] = 5, ["jun"] = 6, ["june"] = 6, ["jul"] = 7, ["july"] = 7, ["aug"] = 8, ["august"] = 8,
        ["sep"] = 9, ["sept"] = 9, ["september"] = 9, ["oct"] = 10, ["october"] = 10, ["nov"] = 11, ["november"] = 11,
        ["dec"] = 12, ["december"] = 12,

        // German
        ["januar"] = 1, ["jän"] = 1, ["februar"] = 2, ["mär"] = 3, ["märz"] = 3, ["mai"] = 5, ["juni"] = 6, ["juli"] = 7,
        ["okt"] = 10, ["oktober"] = 10, ["dez"] = 12, ["dezember"] = 12,

        // French
        ["janv"] = 1, ["janvier"] = 1, ["févr"] = 2, ["fevr"] = 2, ["février"] = 2, ["mars"] = 3, ["avr"] = 4, ["avril"] = 4,
        ["juin"] = 6, ["juil"] = 7, ["juillet"] = 7, ["août"] = 8, ["aout"] = 8, ["septembre"] = 9, ["octobre"] = 10,
        ["novembre"] = 11, ["déc"] = 12, ["decembre"] = 12, ["décembre"] = 12,

        // Spanish
        ["ene"] = 1, ["enero"] = 1, ["febrero"] = 2, ["marzo"] = 3, ["abr"] = 4, ["abril"] = 4, ["mayo"] = 5, ["junio"] = 6,
        ["julio"] = 7, ["ago"] = 8, ["agosto"] = 8, ["set"] = 9, ["septiembre"] = 9, ["octubre"] = 10, ["noviembre"] = 11,
        ["dic"] = 12, ["diciembre"] = 12,
    };

    /// <summary>Parses a date line. Returns false with a reason when the line matches no supported format.</summary>
    public static bool TryParse(string text, out DateTimeOffset value, out bool offsetKnown, out string? error)
    {
        value = default;
        offsetKnown = false;
        var line = ActivityTitles.Normalize(text);

        var match = MonthFirst().Match(line);
        if (!match.Success)
        {
            match = DayFirst().Match(line);
        }

        if (!match.Success)
        {
            match = Numeric().Match(line);
        }

        if (!match.Success)
        {
            error = "it matches none of the date formats known (English, German, French, Spanish)";
            return false;
        }

        if (!TryGetMonth(match, out var month))
        {
            error = $"'{match.Groups["monthName"].Value}' is not a known month name";
            return false;
        }

        var day = Number(match, "day");
        var year = Number(match, "year");
        var hour = Number(match, "hour");
        var minute = Number(match, "minute");
        var second = match.Groups["second"].Success ? Number(match, "second") : 0;
        if (!TryApplyMeridiem(match.Groups["meridiem"].Value, ref hour))
        {
            error = $"the hour {hour} does not fit a 12-hour clock";
            return false;
        }

        var offset = TimeSpan.Zero;
        var zone = match.Groups["zone"].Value.Trim();
        if (zone.Length > 0 && !TimeZoneAbbreviations.TryGetOffset(zone, out offset))
        {
            error = $"the time zone '{zone}' is not known";
            return false;
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Clamp(year, 1, 9999), month) || hour > 23 || minute > 59 || second > 59)
        {
            error = "a day, month, hour, minute or second is out of range";
            return false;
        }

        value = new DateTimeOffset(year, month, day, hour, minute, second, offset);
        offsetKnown = zone.Length > 0;
        error = null;
        return true;
    }

    private static bool TryGetMonth(Match match, out int month)
    {
        if (match.Groups["month"].Success)
        {
            month = Number(match, "month");
            return true;
        }

        return Months.TryGetValue(match.Groups["monthName"].Value.TrimEnd('.'), out month);
    }

    private static bool TryApplyMeridiem(string meridiem, ref int hour)
    {
        if (meridiem.Length == 0)
        {
            return true;
        }

        if (hour is < 1 or > 12)
        {
            return false;
        }

        var isPm = char.ToUpperInvariant(meridiem[0]) == 'P';
        hour = hour % 12 + (isPm ? 12 : 0);
        return true;
    }

    private static int Number(Match match, string group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    private const string Time = @"(?<hour>\d{1,2}):(?<minute>\d{2})(?::(?<second>\d{2}))?(?:\s*(?<meridiem>[AaPp]\.?\s?[Mm]\.?))?";
    private const string Zone = @"(?:\s+(?<zone>[^\s\d][^\s]*(?:\s?[+\u2212-]\s?\d{1,2}(?::?\d{2})?)?))?";
    private const string BeforeTime = @",?\s+(?:(?:à|a las|um|at)\s+)?";

    [GeneratedRegex(@"^(?<monthName>\p{L}+\.?)\s+(?<day>\d{1,2}),?\s+(?<year>\d{4})" + BeforeTime + Time + Zone + "$", RegexOptions.CultureInvariant)]
    private static partial Regex MonthFirst();

    [GeneratedRegex(@"^(?<day>\d{1,2})\.?\s+(?:de\s+)?(?<monthName>\p{L}+\.?)\s+(?:de\s+)?(?<year>\d{4})" + BeforeTime + Time + Zone + "$", RegexOptions.CultureInvariant)]
    private static partial Regex DayFirst();

    [GeneratedRegex(@"^(?<day>\d{1,2})[./](?<month>\d{1,2})[./](?<year>\d{4})" + BeforeTime + Time + Zone + "$", RegexOptions.CultureInvariant)]
    private static partial Regex Numeric();
}
