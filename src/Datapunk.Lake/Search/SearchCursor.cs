using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Datapunk.Lake.Search;

/// <summary>
/// The position of the next page of a ranked search: an offset into the ranking, bound to the query that made
/// it so that a cursor from one query is rejected by another.
/// </summary>
/// <remarks>
/// NOTE: an offset, not a keyset. When records are added between two pages, a ranking can shift and a hit can
/// appear on two pages or on none; start again without a cursor to see a fresh ranking.
/// </remarks>
public static class SearchCursor
{
    public static string Encode(int offset, string fingerprint) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{offset}:{Hash(fingerprint)}")));

    /// <summary>Returns the offset, or null with an error when the cursor is malformed or belongs to another query.</summary>
    public static int? TryDecode(string cursor, string fingerprint, out string? error)
    {
        error = null;
        try
        {
            var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor)).Split(':');
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                if (parts[1] == Hash(fingerprint))
                {
                    return offset;
                }

                error = "The cursor belongs to another query. Repeat the query with the same parameters, or leave the cursor out to start from the first page.";
                return null;
            }
        }
        catch (FormatException)
        {
        }

        error = $"Invalid cursor '{cursor}'. Pass the nextCursor value of the previous page unchanged.";
        return null;
    }

    private static string Hash(string fingerprint) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fingerprint)).AsSpan(0, 8));
}
