using Datapunk.Lake.Ingestion.Google.MyActivity;

namespace Datapunk.Lake.Tests.Ingestion.Google.MyActivity;

public sealed class HtmlActivityDateTests
{
    [Theory]
    [InlineData("Jan 5, 2021, 10:03:04 AM PST", "2021-01-05T10:03:04-08:00", true)]
    [InlineData("Jul 4, 2021, 12:00:01 PM PDT", "2021-07-04T12:00:01-07:00", true)]
    [InlineData("Dec 31, 2020, 12:59:59 AM EST", "2020-12-31T00:59:59-05:00", true)]
    [InlineData("Jan 15, 2021, 6:54:12 PM BST", "2021-01-15T18:54:12+01:00", true)]
    [InlineData("Mar 1, 2022, 9:00:00 AM AEDT", "2022-03-01T09:00:00+11:00", true)]
    [InlineData("Mar 1, 2022, 9:00:00\u202fAM IST", "2022-03-01T09:00:00+05:30", true)]
    [InlineData("Jan 31, 2018, 10:54:50 PM", "2018-01-31T22:54:50+00:00", false)]
    [InlineData("05.01.2021, 10:03:04 MEZ", "2021-01-05T10:03:04+01:00", true)]
    [InlineData("05.07.2021, 10:03:04 MESZ", "2021-07-05T10:03:04+02:00", true)]
    [InlineData("5 janv. 2021, 10:03:04 UTC+1", "2021-01-05T10:03:04+01:00", true)]
    [InlineData("5 janv. 2021 à 10:03:04 UTC\u22125", "2021-01-05T10:03:04-05:00", true)]
    [InlineData("14 août 2021, 23:59:00 CEST", "2021-08-14T23:59:00+02:00", true)]
    [InlineData("5 ene 2021, 10:03:04 CET", "2021-01-05T10:03:04+01:00", true)]
    [InlineData("12 de ago. de 2021, 8:15:00 GMT+05:30", "2021-08-12T08:15:00+05:30", true)]
    [InlineData("5 Jan 2021, 10:03:04 GMT", "2021-01-05T10:03:04+00:00", true)]
    public void KnownFormat_ParsesTimeAndOffset(string text, string expected, bool offsetKnown)
    {
        var parsed = HtmlActivityDate.TryParse(text, out var value, out var known, out var error);

        Assert.True(parsed, error);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture).Offset, value.Offset);
        Assert.Equal(offsetKnown, known);
    }

    [Theory]
    [InlineData("Blursday 5, 2021, 10:03:04 AM PST", "'Blursday' is not a known month name")]
    [InlineData("Feb 30, 2021, 10:03:04 AM PST", "out of range")]
    [InlineData("Jan 5, 2021, 13:03:04 PM PST", "does not fit a 12-hour clock")]
    [InlineData("Jan 5, 2021, 10:03:04 AM Mars/Olympus", "the time zone 'Mars/Olympus' is not known")]
    [InlineData("yesterday", "matches none of the date formats")]
    public void InvalidDate_ReturnsReason(string text, string reason)
    {
        var parsed = HtmlActivityDate.TryParse(text, out _, out _, out var error);

        Assert.False(parsed);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
