using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Datapunk.Lake.Storage.Sqlite;

/// <summary>The SQL that finds the records inside a bounding box through <c>records_by_cell</c>.</summary>
internal static class PlaceCellSql
{
    /// <summary>
    /// Returns a FROM clause that joins the box's cell ranges to <c>records AS alias</c> through the cell index, and
    /// the condition that keeps the records inside the box, edges included. Adds parameters named after
    /// <paramref name="name"/>, so two boxes in one command need two names.
    /// </summary>
    /// <remarks>
    /// The ranges come first in the join (CROSS JOIN fixes the order), so each range is one scan of the index. The
    /// index contains lat, lon and start_ms, so the box test and a sort by time need no row.
    /// </remarks>
    public static (string Source, string Condition) Join(
        SqliteCommand command, string name, string alias, double minLatitude, double maxLatitude, double minLongitude, double maxLongitude)
    {
        var ranges = new StringBuilder("[");
        foreach (var (low, high) in PlaceCell.Ranges(minLatitude, maxLatitude, minLongitude, maxLongitude))
        {
            ranges.Append(CultureInfo.InvariantCulture, $"{(ranges.Length > 1 ? "," : "")}[{low},{high}]");
        }

        ranges.Append(']');
        command.Parameters.AddWithValue($"${name}Cells", ranges.ToString());
        command.Parameters.AddWithValue($"${name}MinLat", minLatitude);
        command.Parameters.AddWithValue($"${name}MaxLat", maxLatitude);
        command.Parameters.AddWithValue($"${name}MinLon", minLongitude);
        command.Parameters.AddWithValue($"${name}MaxLon", maxLongitude);

        var cells = name + "_cells";
        var source = $"json_each(${name}Cells) AS {cells} CROSS JOIN records AS {alias} INDEXED BY records_by_cell";
        var condition = $"""
            {alias}.cell BETWEEN {cells}.value ->> 0 AND {cells}.value ->> 1
                AND {alias}.lat >= ${name}MinLat AND {alias}.lat <= ${name}MaxLat
                AND {alias}.lon >= ${name}MinLon AND {alias}.lon <= ${name}MaxLon
            """;
        return (source, condition);
    }
}
