using System.Globalization;
using System.Runtime.Serialization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Evaluation;
using Datapunk.Lake.Records;

namespace Datapunk.Lake.Ingestion.Google.Calendar;

/// <summary>
/// Google Calendar's iCalendar export (RFC 5545): one <c>.ics</c> file per calendar in <c>Takeout/Calendar/</c>,
/// parsed with Ical.Net. Every occurrence of every event becomes one <c>calendar-event</c> record.
/// </summary>
/// <remarks>
/// <para>Dataset: <c>google/calendar/ACCOUNT</c> for every calendar of the account, with the calendar's name
/// (<c>X-WR-CALNAME</c>, else the file name) in the attribute <c>calendar</c>. One dataset per account, because an
/// invitation appears with the same UID in each calendar that holds it, and calendars get renamed between exports.</para>
/// <para>Times: a DATE-TIME with a TZID keeps the offset that zone had at that moment; a UTC time has offset zero; a
/// floating time (no zone) and an all-day DATE start at that local clock time with offset zero and
/// <see cref="RecordDraft.StartOffsetKnown"/> false. All-day events carry <c>allDay=true</c>.</para>
/// <para>Recurrence: RRULE, RDATE and EXDATE are expanded by Ical.Net; an event with a RECURRENCE-ID replaces the
/// occurrence it names. A series is expanded from its first occurrence to at most <see cref="ExpansionHorizon"/>
/// after the import and at most <see cref="MaxOccurrencesPerSeries"/> occurrences, whichever ends first; its first
/// occurrence is always kept. Each occurrence carries the rule as the attribute <c>rrule</c>.</para>
/// <para>Merge key: <c>UID|RECURRENCE-ID</c>, where an expanded occurrence's recurrence id is its original start
/// (<c>yyyyMMdd</c> for a date, epoch milliseconds for a zoned or UTC time, <c>yyyyMMddTHHmmss</c> for a floating
/// time). So an override in one export and the plain occurrence in another are the same record. An event without
/// UID uses its start and summary in place of the UID.</para>
/// </remarks>
public sealed partial class IcsCalendarImporter : IFormatImporter
{
    /// <summary>How far past the import a recurring series is expanded.</summary>
    public static readonly TimeSpan ExpansionHorizon = TimeSpan.FromDays(2 * 365);

    /// <summary>The most occurrences one series (one UID) yields.</summary>
    public const int MaxOccurrencesPerSeries = 1000;

    /// <summary>The largest calendar file parsed; larger files are kept but reported as errors.</summary>
    public const long MaxCalendarBytes = 200L * 1024 * 1024;

    private readonly TimeProvider _clock;

    public IcsCalendarImporter()
        : this(TimeProvider.System)
    {
    }

    /// <param name="clock">The time the expansion horizon counts from.</param>
    public IcsCalendarImporter(TimeProvider clock)
    {
        _clock = clock;
    }

    public string Format => "google.calendar.ics";

    public int Version => 1;

    public string Description => "Google Calendar events (iCalendar .ics), recurring series expanded";

    public string ExamplePath => "Takeout/Calendar/me@example.com.ics";

    public bool CanRead(FileSniff sniff) => TextSniff.StartsWithLine(sniff.Head.Span, "BEGIN:VCALENDAR");

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        // NOTE: Ical.Net builds the whole calendar in memory, so this importer does not stream. Real calendars are a
        // few MB; the size guard keeps a pathological file from exhausting memory.
        if (context.Length > MaxCalendarBytes)
        {
            throw new ImportFormatException(
                $"The calendar file is {context.Length:N0} bytes; calendars over {MaxCalendarBytes:N0} bytes are not parsed because the iCalendar library reads a whole file into memory. The original is kept; split the calendar to import it.",
                "byte 0");
        }

        var calendar = Load(content);
        var dataset = GoogleDatasets.Calendar(context.Account);
        var calendarName = calendar.Properties["X-WR-CALNAME"]?.Value?.ToString() is { Length: > 0 } name
            ? name
            : System.IO.Path.GetFileNameWithoutExtension(context.Path);
        var horizon = _clock.GetUtcNow().UtcDateTime + ExpansionHorizon;

        var events = calendar.Events.ToList();
        var overridden = new HashSet<string>(StringComparer.Ordinal);
        foreach (var calendarEvent in events)
        {
            if (calendarEvent.RecurrenceIdentifier?.StartTime is { } recurrenceId)
            {
                overridden.Add(IdentityOf(calendarEvent) + "|" + RecurrenceKey(recurrenceId));
            }
        }

        for (var index = 0; index < events.Count; index++)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var calendarEvent = events[index];
            var identity = IdentityOf(calendarEvent);
            var pointer = $"VEVENT {index}";

            if (calendarEvent.DtStart is null)
            {
                throw new ImportFormatException($"The event '{identity}' has no DTSTART.", pointer);
            }

            if (calendarEvent.RecurrenceIdentifier?.StartTime is { } recurrenceId)
            {
                yield return ToRecord(calendarEvent, calendarEvent.DtStart, EndOf(calendarEvent, calendarEvent.DtStart), recurrenceId, dataset, calendarName, pointer);
                continue;
            }

            foreach (var occurrence in Expand(calendarEvent, horizon, pointer))
            {
                var key = identity + "|" + RecurrenceKey(occurrence.Period.StartTime);
                if (overridden.Contains(key))
                {
                    continue;
                }

                yield return ToRecord(calendarEvent, occurrence.Period.StartTime, occurrence.Period.EffectiveEndTime, occurrence.Period.StartTime, dataset, calendarName, pointer);
            }
        }
    }

    private static Ical.Net.Calendar Load(Stream content)
    {
        string text;
        using (var reader = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
        {
            text = reader.ReadToEnd();
        }

        try
        {
            return Ical.Net.Calendar.Load(RepairDateWithUtcDesignator(text))
                ?? throw new ImportFormatException("The file contains no VCALENDAR.", "byte 0");
        }
        catch (SerializationException exception)
        {
            throw new ImportFormatException($"The calendar is not valid iCalendar: {exception.Message}. The file may be truncated; export the calendar again.", null, exception);
        }
    }

    /// <summary>
    /// Rewrites <c>RDATE:20131210Z</c>, which Google writes for birthdays although RFC 5545 has no UTC DATE, to
    /// <c>RDATE;VALUE=DATE:20131210</c>. Ical.Net 5.2.4 silently drops the original, losing those occurrences.
    /// </summary>
    private static string RepairDateWithUtcDesignator(string text) =>
        DateWithUtcDesignator().Replace(text, match =>
            $"{match.Groups["name"].Value};VALUE=DATE:{match.Groups["dates"].Value.Replace("Z", string.Empty, StringComparison.Ordinal)}");

    private static IEnumerable<Occurrence> Expand(CalendarEvent calendarEvent, DateTime horizonUtc, string pointer)
    {
        var options = new EvaluationOptions { MaxUnmatchedIncrementsLimit = 100_000 };
        using var occurrences = calendarEvent.GetOccurrences(null, options).GetEnumerator();
        var count = 0;
        while (count < MaxOccurrencesPerSeries)
        {
            try
            {
                if (!occurrences.MoveNext())
                {
                    yield break;
                }
            }
            catch (Exception exception) when (exception is EvaluationException or ArgumentException)
            {
                // ArgumentException: a TZID that is neither an IANA nor a Windows zone name.
                throw new ImportFormatException($"The recurrence of event '{IdentityOf(calendarEvent)}' cannot be evaluated: {exception.Message}", pointer, exception);
            }

            var start = occurrences.Current.Period.StartTime;
            if (count > 0 && UtcOf(start) > horizonUtc)
            {
                yield break;
            }

            count++;
            yield return occurrences.Current;
        }
    }

    private static RecordDraft ToRecord(CalendarEvent calendarEvent, CalDateTime start, CalDateTime? end, CalDateTime recurrenceId, string dataset, string calendarName, string pointer)
    {
        var (startTime, offsetKnown) = ToDateTimeOffset(start);
        var attributes = new JsonObject
        {
            ["calendar"] = calendarName,
        };

        if (calendarEvent.Uid is { Length: > 0 } uid)
        {
            attributes["uid"] = uid;
        }

        if (!start.HasTime)
        {
            attributes["allDay"] = true;
        }
        else if (start.IsFloating)
        {
            attributes["floating"] = true;
        }
        else if (start.TzId is { } tzid && !start.IsUtc)
        {
            attributes["tzid"] = tzid;
        }

        if (calendarEvent.RecurrenceRule is { } rule)
        {
            attributes["rrule"] = rule.ToString();
        }

        if (calendarEvent.RecurrenceIdentifier is not null)
        {
            attributes["recurrenceId"] = RecurrenceKey(recurrenceId);
        }

        AddText(attributes, "location", calendarEvent.Location);
        AddText(attributes, "status", calendarEvent.Status);
        AddText(attributes, "url", calendarEvent.Url?.ToString());
        if (calendarEvent.Organizer is { } organizer)
        {
            attributes["organizer"] = Person(organizer.Value?.ToString(), organizer.CommonName);
        }

        if (calendarEvent.Attendees.Count > 0)
        {
            var attendees = new JsonArray();
            foreach (var attendee in calendarEvent.Attendees)
            {
                var person = Person(attendee.Value?.ToString(), attendee.CommonName);
                AddText(person, "status", attendee.ParticipationStatus);
                AddText(person, "role", attendee.Role);
                attendees.Add(person);
            }

            attributes["attendees"] = attendees;
        }

        return new RecordDraft
        {
            Dataset = dataset,
            Kind = RecordKinds.CalendarEvent,
            MergeKey = IdentityOf(calendarEvent) + "|" + RecurrenceKey(recurrenceId),
            Start = startTime,
            StartOffsetKnown = offsetKnown,
            End = end is null ? null : ToDateTimeOffset(end).Time,
            Title = calendarEvent.Summary,
            Text = string.IsNullOrEmpty(calendarEvent.Description) ? null : calendarEvent.Description,
            Attributes = attributes,
            Pointer = pointer,
        };
    }

    private static CalDateTime? EndOf(CalendarEvent calendarEvent, CalDateTime start)
    {
        if (calendarEvent.DtEnd is { } end)
        {
            return end;
        }

        return calendarEvent.Duration is { } duration ? start.Add(duration) : null;
    }

    /// <summary>
    /// Converts to an offset time. A zoned time keeps the offset its zone had then; a DATE or a floating time has
    /// no zone, so it keeps its clock time with offset zero and the offset is marked unknown.
    /// </summary>
    private static (DateTimeOffset Time, bool OffsetKnown) ToDateTimeOffset(CalDateTime time)
    {
        var local = DateTime.SpecifyKind(time.Value, DateTimeKind.Unspecified);
        if (!time.HasTime || time.IsFloating)
        {
            return (new DateTimeOffset(local, TimeSpan.Zero), false);
        }

        return (new DateTimeOffset(local, local - DateTime.SpecifyKind(time.AsUtc, DateTimeKind.Unspecified)), true);
    }

    private static DateTime UtcOf(CalDateTime time) => time.HasTime && !time.IsFloating ? time.AsUtc : time.Value;

    private static string RecurrenceKey(CalDateTime time)
    {
        if (!time.HasTime)
        {
            return time.Value.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        }

        if (time.IsFloating)
        {
            return time.Value.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
        }

        return GoogleTime.Key(new DateTimeOffset(DateTime.SpecifyKind(time.AsUtc, DateTimeKind.Utc)));
    }

    private static string IdentityOf(CalendarEvent calendarEvent) =>
        calendarEvent.Uid is { Length: > 0 } uid
            ? uid
            : $"no-uid:{calendarEvent.DtStart?.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture)}:{calendarEvent.Summary}";

    private static JsonObject Person(string? address, string? name)
    {
        var person = new JsonObject();
        var email = address is not null && address.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) ? address[7..] : address;
        AddText(person, "email", email);
        AddText(person, "name", name);
        return person;
    }

    private static void AddText(JsonObject target, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            target[name] = value;
        }
    }

    [GeneratedRegex(@"^(?<name>RDATE|EXDATE):(?<dates>\d{8}Z(?:,\d{8}Z)*)(?=\r?$)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex DateWithUtcDesignator();
}
