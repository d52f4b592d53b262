using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Datapunk.Lake.Storage;

/// <summary>Encodes the position after the last record of a page: its start time and its insertion sequence.</summary>
public static class RecordCursor
{
    public static string Encode(long startMilliseconds, long sequence) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{startMilliseconds}:{sequence}")));

    /// <exception cref="FormatException">The cursor was not made by <see cref="Encode"/>.</exception>
    public static (long StartMilliseconds, long Sequence) Decode(string cursor)
    {
        try
        {
            var text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor));
            var parts = text.Split(':');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var start)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                return (start, sequence);
            }
        }
        catch (FormatException)
        {
        }

        throw new FormatException($"Invalid cursor '{cursor}'. Pass the nextCursor value of the previous page unchanged.");
    }
}
