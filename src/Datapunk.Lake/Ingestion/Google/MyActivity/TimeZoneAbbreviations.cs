using System.Globalization;
using System.Text.RegularExpressions;

namespace Datapunk.Lake.Ingestion.Google.MyActivity;

/// <summary>The UTC offsets of the time-zone names that My Activity HTML pages print after each time.</summary>
/// <remarks>
/// A page prints every time in the zone of the account at export time, with that zone's short name. The name
/// and the clock time therefore belong together: "Jan 15, 2021, 6:54:12 PM BST" is 17:54:12 UTC, although
/// January is not British Summer Time.
/// NOTE: some short names are ambiguous. CST is read as US Central (not China), IST as India (not Ireland or
/// Israel); a page from an account in the other zone gets times off by whole hours.
/// </remarks>
internal static partial class TimeZoneAbbreviations
{
    private static readonly Dictionary<string, TimeSpan> Offsets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UTC"] = TimeSpan.Zero,
        ["GMT"] = TimeSpan.Zero,
        ["UT"] = TimeSpan.Zero,
        ["Z"] = TimeSpan.Zero,
        ["WET"] = TimeSpan.Zero,
        ["WEST"] = TimeSpan.FromHours(1),
        ["BST"] = TimeSpan.FromHours(1),
        ["CET"] = TimeSpan.FromHours(1),
        ["CEST"] = TimeSpan.FromHours(2),
        ["MEZ"] = TimeSpan.FromHours(1),
        ["MESZ"] = TimeSpan.FromHours(2),
        ["HNEC"] = TimeSpan.FromHours(1),
        ["HAEC"] = TimeSpan.FromHours(2),
        ["EET"] = TimeSpan.FromHours(2),
        ["EEST"] = TimeSpan.FromHours(3),
        ["OEZ"] = TimeSpan.FromHours(2),
        ["OESZ"] = TimeSpan.FromHours(3),
        ["MSK"] = TimeSpan.FromHours(3),
        ["IST"] = new TimeSpan(5, 30, 0),
        ["SGT"] = TimeSpan.FromHours(8),
        ["HKT"] = TimeSpan.FromHours(8),
        ["AWST"] = TimeSpan.FromHours(8),
        ["JST"] = TimeSpan.FromHours(9),
        ["KST"] = TimeSpan.FromHours(9),
        ["ACST"] = new TimeSpan(9, 30, 0),
        ["ACDT"] = new TimeSpan(10, 30, 0),
        ["AEST"] = TimeSpan.FromHours(10),
        ["AEDT"] = TimeSpan.FromHours(11),
        ["NZST"] = TimeSpan.FromHours(12),
        ["NZDT"] = TimeSpan.FromHours(13),
        ["BRT"] = TimeSpan.FromHours(-3),
        ["ART"] = TimeSpan.FromHours(-3),
        ["AST"] = TimeSpan.FromHours(-4),
        ["ADT"] = TimeSpan.FromHours(-3),
        ["EST"] = TimeSpan.FromHours(-5),
        ["EDT"] = TimeSpan.FromHours(-4),
        ["CST"] = TimeSpan.FromHours(-6),
        ["CDT"] = TimeSpan.FromHours(-5),
        ["MST"] = TimeSpan.FromHours(-7),
        ["MDT"] = TimeSpan.FromHours(-6),
        ["PST"] = TimeSpan.FromHours(-8),
        ["PDT"] = TimeSpan.FromHours(-7),
        ["AKST"] = TimeSpan.FromHours(-9),
        ["AKDT"] = TimeSpan.FromHours(-8),
        ["HST"] = TimeSpan.FromHours(-10),
    };

    /// <summary>
    /// Reads a zone name from the table above, or a numeric offset such as <c>UTC+1</c>, <c>GMT-05:00</c> or
    /// <c>UTC+05:30</c>. Returns false for anything else.
    /// </summary>
    public static bool TryGetOffset(string zone, out TimeSpan offset)
    {
        if (Offsets.TryGetValue(zone, out offset))
        {
            return true;
        }

        var match = NumericOffset().Match(zone.Replace('\u2212', '-'));
        if (!match.Success)
        {
            return false;
        }

        var hours = int.Parse(match.Groups["hours"].Value, CultureInfo.InvariantCulture);
        var minutes = match.Groups["minutes"].Success ? int.Parse(match.Groups["minutes"].Value, CultureInfo.InvariantCulture) : 0;
        if (hours > 14 || minutes > 59)
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0);
        offset = match.Groups["sign"].Value == "-" ? -offset : offset;
        return true;
    }

    [GeneratedRegex(@"^(?:UTC|GMT)\s*(?<sign>[+-])\s*(?<hours>\d{1,2})(?::?(?<minutes>\d{2}))?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex NumericOffset();
}
