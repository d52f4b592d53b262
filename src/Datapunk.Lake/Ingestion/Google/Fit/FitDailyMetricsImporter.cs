using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Datapunk.Lake.Records;
using nietras.SeparatedValues;

namespace Datapunk.Lake.Ingestion.Google.Fit;

/// <summary>
/// Google Fit daily activity metrics (CSV): per-interval rows in <c>Takeout/Fit/Daily activity metrics/2021-03-01.csv</c>
/// and one row per day in <c>Daily activity metrics.csv</c>.
/// </summary>
/// <remarks>
/// Header: <c>Start time,End time,Move Minutes count,Calories (kcal),Distance (m),Heart Points,Heart Minutes,
/// Average heart rate (bpm),…,Step count,…</c>. In a per-day file the times are times of day with an offset
/// (<c>00:15:00.000+01:00</c>) and the date is the file's name; a full ISO 8601 time is taken as it is. The
/// summary file has a <c>Date</c> column (<c>2021-03-01</c>) in place of the two times, and its row covers that day.
/// Each row becomes one record with every non-empty column as an attribute, numbers as numbers.
/// Merge key: <c>START_MS/END_MS</c> for an interval, <c>day/YYYY-MM-DD</c> for a summary row.
/// NOTE: detection and the time columns rely on the English header; Takeout in another language translates it.
/// The CSV is read with Sep (RFC 4180 quoting), one row at a time.
/// </remarks>
public sealed partial class FitDailyMetricsImporter : IFormatImporter
{
    private const string StartColumn = "Start time";
    private const string EndColumn = "End time";
    private const string DateColumn = "Date";

    public string Format => "google.fit.daily-metrics";

    public int Version => 1;

    public string Description => "Google Fit daily activity metrics (CSV, per interval or per day)";

    public string ExamplePath => "Takeout/Fit/Daily activity metrics/2021-03-01.csv";

    public bool CanRead(FileSniff sniff)
    {
        if (sniff.Json.Root != System.Text.Json.JsonValueKind.Undefined)
        {
            return false;
        }

        var head = sniff.Head.Span;
        var newline = head.IndexOfAny((byte)'\r', (byte)'\n');
        var header = Encoding.UTF8.GetString(newline < 0 ? head : head[..newline]);
        var startsRight = header.StartsWith(StartColumn + "," + EndColumn + ",", StringComparison.Ordinal)
                          || header.StartsWith(DateColumn + ",", StringComparison.Ordinal);
        return startsRight && (header.Contains("Step count", StringComparison.Ordinal) || header.Contains("Move Minutes count", StringComparison.Ordinal)
                               || header.Contains("Calories (kcal)", StringComparison.Ordinal));
    }

    public IEnumerable<RecordDraft> Read(Stream content, ImportFileContext context)
    {
        var dataset = GoogleDatasets.Fit(context.Account);
        var fileDate = FileDate().Match(Path.GetFileName(context.Path)) is { Success: true } match
            ? DateOnly.ParseExact(match.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture)
            : (DateOnly?)null;

        using var reader = Sep.New(',').Reader(options => options with { Unescape = true, DisableColCountCheck = true }).From(content);
        var names = reader.Header.ColNames;
        var startIndex = IndexOf(names, StartColumn);
        var endIndex = IndexOf(names, EndColumn);
        var dateIndex = IndexOf(names, DateColumn);
        if (dateIndex < 0 && (startIndex < 0 || endIndex < 0))
        {
            throw new ImportFormatException($"The header has neither '{DateColumn}' nor both '{StartColumn}' and '{EndColumn}'.", "line 1");
        }

        foreach (var row in reader)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var line = row.LineNumberFrom;
            var position = string.Create(CultureInfo.InvariantCulture, $"line {line}");
            var cells = new string[row.ColCount];
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = row[i].ToString();
            }

            if (cells.Length != names.Count)
            {
                throw new ImportFormatException(
                    string.Create(CultureInfo.InvariantCulture, $"The row has {cells.Length} columns but the header has {names.Count}."),
                    position);
            }

            DateTimeOffset start;
            DateTimeOffset end;
            string mergeKey;
            bool offsetKnown;
            if (dateIndex >= 0)
            {
                if (!DateOnly.TryParseExact(cells[dateIndex], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                {
                    throw new ImportFormatException($"'{DateColumn}' is '{cells[dateIndex]}', expected a date such as 2021-03-01.", position);
                }

                start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                end = start.AddDays(1);
                mergeKey = "day/" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                offsetKnown = false;
            }
            else
            {
                start = ParseTime(cells[startIndex], fileDate, StartColumn, position);
                end = ParseTime(cells[endIndex], fileDate, EndColumn, position);

                // The last interval of a day ends at 00:00 of the next one.
                if (end <= start)
                {
                    end = end.AddDays(1);
                }

                mergeKey = $"{GoogleTime.Key(start)}/{GoogleTime.Key(end)}";
                offsetKnown = true;
            }

            var attributes = new JsonObject();
            for (var i = 0; i < cells.Length; i++)
            {
                if (i == startIndex || i == endIndex || i == dateIndex || cells[i].Length == 0)
                {
                    continue;
                }

                attributes[names[i]] = ToValue(cells[i]);
            }

            yield return new RecordDraft
            {
                Dataset = dataset,
                Kind = RecordKinds.FitnessMetric,
                MergeKey = mergeKey,
                Start = start,
                StartOffsetKnown = offsetKnown,
                End = end,
                Attributes = attributes,
                Pointer = position,
            };
        }
    }

    /// <summary>Parses a full ISO 8601 time, or a time of day with an offset on the date of the file's name.</summary>
    private static DateTimeOffset ParseTime(string text, DateOnly? fileDate, string column, string position)
    {
        if (GoogleTime.TryParseIso(text, out var full) && text.Contains('T', StringComparison.Ordinal))
        {
            return full;
        }

        var match = TimeOfDay().Match(text);
        if (!match.Success)
        {
            throw new ImportFormatException($"'{column}' is '{text}', expected a time such as 00:15:00.000+01:00.", position);
        }

        if (fileDate is not { } date)
        {
            throw new ImportFormatException(
                $"'{column}' is a time of day ('{text}') and the file name holds no date (YYYY-MM-DD) to put it on. Keep the file's name from the export.",
                position);
        }

        var time = TimeOnly.ParseExact(match.Groups["time"].Value, ["HH:mm:ss.fff", "HH:mm:ss", "HH:mm"], CultureInfo.InvariantCulture);
        var offsetText = match.Groups["offset"].Value;
        var offset = offsetText is "" or "Z"
            ? TimeSpan.Zero
            : TimeSpan.ParseExact(offsetText[1..], @"hh\:mm", CultureInfo.InvariantCulture) * (offsetText[0] == '-' ? -1 : 1);
        return new DateTimeOffset(date.ToDateTime(time), offset);
    }

    private static JsonNode? ToValue(string cell)
    {
        if (long.TryParse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(cell);
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}", RegexOptions.CultureInvariant)]
    private static partial Regex FileDate();

    [GeneratedRegex(@"^(?<time>\d{2}:\d{2}(:\d{2}(\.\d{3})?)?)(?<offset>Z|[+-]\d{2}:\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex TimeOfDay();
}
