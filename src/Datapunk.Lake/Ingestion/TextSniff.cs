using System.Text;

namespace Datapunk.Lake.Ingestion;

/// <summary>Checks on the first bytes of line-based text formats (iCalendar, vCard, mbox).</summary>
internal static class TextSniff
{
    /// <summary>True when the first non-blank line is <paramref name="line"/>, ignoring ASCII case.</summary>
    public static bool StartsWithLine(ReadOnlySpan<byte> head, string line)
    {
        var text = SkipBlankLines(head);
        var expected = Encoding.ASCII.GetBytes(line);
        if (text.Length < expected.Length || !Ascii.EqualsIgnoreCase(text[..expected.Length], expected))
        {
            return false;
        }

        var rest = text[expected.Length..];
        return rest.IsEmpty || rest[0] is (byte)'\r' or (byte)'\n';
    }

    private static ReadOnlySpan<byte> SkipBlankLines(ReadOnlySpan<byte> head)
    {
        var start = 0;
        while (start < head.Length && head[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            start++;
        }

        return head[start..];
    }
}
