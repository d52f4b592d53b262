using System.Text;
using nietras.SeparatedValues;

namespace Datapunk.Lake.Ingestion.Google.YouTube;

/// <summary>Helpers shared by the YouTube CSV importers: header detection and a streaming reader.</summary>
internal static class CsvHead
{
    /// <summary>The column names of the header line at the start of the file, split at commas, or empty when the head has no line.</summary>
    public static IReadOnlyList<string> HeaderNames(FileSniff sniff)
    {
        var head = sniff.Head.Span;
        var end = head.IndexOfAny((byte)'\n', (byte)'\r');
        if (end < 0)
        {
            if (!sniff.HeadIsWholeFile)
            {
                return [];
            }

            end = head.Length;
        }

        var line = Encoding.UTF8.GetString(head[..end]);
        return [.. line.Split(',').Select(name => name.Trim().Trim('"').Trim())];
    }

    /// <summary>Opens a comma-separated reader with a header row that unquotes values; rows may span lines inside quotes.</summary>
    public static SepReader Open(Stream content)
    {
        var text = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        return Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true }).From(text);
    }

    /// <summary>The value of a column of the row, or null when the row is shorter or the value is blank.</summary>
    public static string? Value(SepReader.Row row, int index)
    {
        if (index < 0 || index >= row.ColCount)
        {
            return null;
        }

        var value = row[index].ToString().Trim();
        return value.Length > 0 ? value : null;
    }
}
