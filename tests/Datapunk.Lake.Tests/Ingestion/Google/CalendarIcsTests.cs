using Datapunk.Lake.Records;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Ingestion.Google;

public sealed class CalendarIcsTests
{
    private const string Dataset = "google/calendar/owner";

    // Written by hand: a VTIMEZONE, a weekly series with an EXDATE and a moved occurrence, and an all-day event.
    private const string WorkCalendar = """
        BEGIN:VCALENDAR
        VERSION:2.0
        PRODID:-//Google Inc//Google Calendar 70.9054//EN
        X-WR-CALNAME:Work
        BEGIN:VTIMEZONE
        TZID:Europe/Berlin
        BEGIN:DAYLIGHT
        TZOFFSETFROM:+0100
        TZOFFSETTO:+0200
        TZNAME:CEST
        DTSTART:19700329T020000
        RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
        END:DAYLIGHT
        BEGIN:STANDARD
        TZOFFSETFROM:+0200
        TZOFFSETTO:+0100
        TZNAME:CET
        DTSTART:19701025T030000
        RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
        END:STANDARD
        END:VTIMEZONE
        BEGIN:VEVENT
        UID:weekly-1@example.com
        DTSTART;TZID=Europe/Berlin:20240311T090000
        DTEND;TZID=Europe/Berlin:20240311T093000
        RRULE:FREQ=WEEKLY;COUNT=5
        EXDATE;TZID=Europe/Berlin:20240318T090000
        SUMMARY:Standup
        DESCRIPTION:Daily plan\, short.
        LOCATION:Room 4
        ORGANIZER;CN=Ana Lead:mailto:ana@example.com
        ATTENDEE;CN=Bo;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:bo@example.com
        END:VEVENT
        BEGIN:VEVENT
        UID:weekly-1@example.com
        RECURRENCE-ID;TZID=Europe/Berlin:20240325T090000
        DTSTART;TZID=Europe/Berlin:20240325T110000
        DTEND;TZID=Europe/Berlin:20240325T113000
        SUMMARY:Standup (moved)
        END:VEVENT
        BEGIN:VEVENT
        UID:holiday-1@example.com
        DTSTART;VALUE=DATE:20240704
        DTEND;VALUE=DATE:20240705
        SUMMARY:Day off
        END:VEVENT
        END:VCALENDAR

        """;

    [Fact]
    public async Task WeeklySeries_ExpandsWithExdateAndOverride()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync("Takeout/Calendar/Work.ics", WorkCalendar.Replace("\n", "\r\n", StringComparison.Ordinal));

        var standups = (await lake.AllRecordsAsync()).Where(r => r.Attributes?["uid"]?.GetValue<string>() == "weekly-1@example.com").ToList();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(
            ["2024-03-11T09:00:00+01:00", "2024-03-25T11:00:00+01:00", "2024-04-01T09:00:00+02:00", "2024-04-08T09:00:00+02:00"],
            standups.Select(r => r.Start.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(["Standup", "Standup (moved)", "Standup", "Standup"], standups.Select(r => r.Title));
        Assert.All(standups, r => Assert.True(r.StartOffsetKnown));
        Assert.Equal(Dataset, standups[0].Dataset);
        Assert.Equal(RecordKinds.CalendarEvent, standups[0].Kind);
    }

    [Fact]
    public async Task WeeklySeries_KeepsRuleAndPeople()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync("Takeout/Calendar/Work.ics", WorkCalendar);

        var first = (await lake.AllRecordsAsync()).First(r => r.Title == "Standup");
        Assert.Equal("FREQ=WEEKLY;COUNT=5", first.Attributes!["rrule"]!.GetValue<string>());
        Assert.Equal("Room 4", first.Attributes["location"]!.GetValue<string>());
        Assert.Equal("Work", first.Attributes["calendar"]!.GetValue<string>());
        Assert.Equal("Europe/Berlin", first.Attributes["tzid"]!.GetValue<string>());
        Assert.Equal("ana@example.com", first.Attributes["organizer"]!["email"]!.GetValue<string>());
        Assert.Equal("Ana Lead", first.Attributes["organizer"]!["name"]!.GetValue<string>());
        Assert.Equal("bo@example.com", first.Attributes["attendees"]![0]!["email"]!.GetValue<string>());
        Assert.Equal("ACCEPTED", first.Attributes["attendees"]![0]!["status"]!.GetValue<string>());
        Assert.Equal("Daily plan, short.", first.Text);
        Assert.Equal(new DateTimeOffset(2024, 3, 11, 9, 30, 0, TimeSpan.FromHours(1)), first.End);
    }

    [Fact]
    public async Task Override_SharesMergeKeyWithOccurrence()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync("Takeout/Calendar/Work.ics", WorkCalendar);

        var moved = (await lake.AllRecordsAsync()).Single(r => r.Title == "Standup (moved)");
        var originalStart = new DateTimeOffset(2024, 3, 25, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.Equal(RecordId.For(Dataset, RecordKinds.CalendarEvent, $"weekly-1@example.com|{originalStart}"), moved.Id);
    }

    [Fact]
    public async Task AllDayEvent_StartsAtLocalMidnightWithoutOffset()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync("Takeout/Calendar/Work.ics", WorkCalendar);

        var dayOff = (await lake.AllRecordsAsync()).Single(r => r.Title == "Day off");
        Assert.Equal(new DateTimeOffset(2024, 7, 4, 0, 0, 0, TimeSpan.Zero), dayOff.Start);
        Assert.False(dayOff.StartOffsetKnown);
        Assert.True(dayOff.Attributes!["allDay"]!.GetValue<bool>());
        Assert.Equal(new DateTimeOffset(2024, 7, 5, 0, 0, 0, TimeSpan.Zero), dayOff.End);
        Assert.Equal(RecordId.For(Dataset, RecordKinds.CalendarEvent, "holiday-1@example.com|20240704"), dayOff.Id);
    }

    [Fact]
    public async Task EndlessSeries_StopsAtOccurrenceCap()
    {
        const string daily = """
            BEGIN:VCALENDAR
            VERSION:2.0
            BEGIN:VEVENT
            UID:pill@example.com
            DTSTART:20000101T080000Z
            RRULE:FREQ=DAILY
            SUMMARY:Pill
            END:VEVENT
            END:VCALENDAR

            """;
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync("Takeout/Calendar/Health.ics", daily);

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(1000, records.Count);
        Assert.Equal(new DateTimeOffset(2002, 9, 26, 8, 0, 0, TimeSpan.Zero), records[^1].Start);
    }

    [Fact]
    public async Task TruncatedCalendar_FailsWithMessage()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync("Takeout/Calendar/Cut.ics", "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\nDTSTART:20240101T100000Z\n");

        var files = await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None);
        Assert.Equal(1, summary.Errors);
        Assert.Contains("Unclosed component VEVENT", files.Single().Message, StringComparison.Ordinal);
        Assert.Empty(await lake.AllRecordsAsync());
    }

    [Fact]
    public async Task CorpusGoogleBirthday_ImportsOverridesAndRdates()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportAsync(Corpus.File("kewisch+ical.js/samples/google_birthday.ics"));

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(6, records.Count);
        Assert.All(records, r => Assert.Equal("PErson #2's birthday", r.Title));
        Assert.All(records, r => Assert.Equal("Contacts' birthdays and events", r.Attributes!["calendar"]!.GetValue<string>()));
        Assert.Equal(
            ["2012-12-10", "2012-12-10", "2013-12-10", "2013-12-10", "2014-12-10", "2014-12-10"],
            records.Select(r => r.Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains(records, r => r.Id == RecordId.For(Dataset, RecordKinds.CalendarEvent, "BIRTHDAY_79d389868f96182e@google.com|20131210"));
        Assert.Contains(records, r => r.Id == RecordId.For(Dataset, RecordKinds.CalendarEvent, "2014_BIRTHDAY_79d389868f96182e@google.com|20121210"));
        Assert.Equal("Today is PErson #2's birthday!", records.First(r => r.Attributes!["recurrenceId"] is not null).Text);
    }
}
