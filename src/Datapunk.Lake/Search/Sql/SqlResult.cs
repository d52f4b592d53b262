namespace Datapunk.Lake.Search.Sql;

/// <summary>
/// The rows of a read-only query. Values are long, double, string, base64 text for BLOBs, or null.
/// <see cref="Truncated"/> is true when the query had more rows than the row cap.
/// </summary>
public sealed record SqlResult(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows, bool Truncated, long ElapsedMilliseconds);
