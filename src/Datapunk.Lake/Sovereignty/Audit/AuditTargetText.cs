using System.Globalization;

namespace Datapunk.Lake.Sovereignty.Audit;

/// <summary>
/// Keeps content out of audit targets. The audit log is append-only, so a search text or a place kept there would
/// outlive the deletion of the records it found. A deletion must leave no deleted text or coordinate anywhere in the
/// data directory, also on a lake that has been searched.
/// </summary>
/// <remarks>
/// The targets still name what was read in terms that are not content: datasets, kinds, times, ids, counts and the
/// kind of query. The value of a content parameter is replaced by its length. Times stay, because retention and
/// deletion by time are part of what an owner audits.
/// </remarks>
public static class AuditTargetText
{
    /// <summary>The query and option names whose values are the owner's text or places.</summary>
    private static readonly HashSet<string> ContentNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "q", "near", "lat", "lon", "bbox", "sql",
    };

    /// <summary>Returns <paramref name="value"/>, or its length in place of it when <paramref name="name"/> carries content.</summary>
    public static string Value(string name, string value) =>
        ContentNames.Contains(name)
            ? string.Create(CultureInfo.InvariantCulture, $"({value.Length} characters, not kept)")
            : value;
}
