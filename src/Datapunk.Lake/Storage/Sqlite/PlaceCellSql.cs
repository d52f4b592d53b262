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

    /// <summary>
    /// Returns the areas whose entries of <c>records_by_area</c> give the box's records in time order, or null when
    /// the box is better served by sorting its entries of <c>records_by_cell</c>: when it contains fewer than
    /// <paramref name="dense"/> points, or overlaps more than <paramref name="maxAreas"/> areas.
    /// </summary>
    /// <remarks>
    /// A page in time order from the areas reads each area's entries from the start of the range until a page of
    /// them is inside the box. That costs little when the box is dense, and can read a whole area when the box
    /// contains few of the area's points. Sorting the cell index's entries costs the number of points in the box.
    /// Counting up to <paramref name="dense"/> of them decides between the two.
    /// </remarks>
    public static IReadOnlyList<long>? TimeOrderedAreas(
        SqliteConnection connection, double minLatitude, double maxLatitude, double minLongitude, double maxLongitude, int dense, int maxAreas)
    {
        var areas = PlaceCell.Areas(minLatitude, maxLatitude, minLongitude, maxLongitude, maxAreas);
        if (areas is null || areas.Count == 0)
        {
            return null;
        }

        using var count = connection.CreateCommand();
        var (source, inBox) = Join(count, "box", "r", minLatitude, maxLatitude, minLongitude, maxLongitude);
        count.CommandText = $"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {inBox} LIMIT $dense)";
        count.Parameters.AddWithValue("$dense", dense);
        return (long)count.ExecuteScalar()! >= dense ? areas : null;
    }

    /// <summary>
    /// Returns a SELECT of the <c>seq</c> and <c>start_ms</c> of the first <c>$limit</c> records of each area inside
    /// the box, in time order within each area, that also meet <paramref name="where"/> (conditions on
    /// <c>r</c>, each starting with AND). The caller sorts the union and keeps its first <c>$limit</c>.
    /// </summary>
    public static string AreaPages(
        SqliteCommand command, IReadOnlyList<long> areas, string where, double minLatitude, double maxLatitude, double minLongitude, double maxLongitude)
    {
        command.Parameters.AddWithValue("$areaMinLat", minLatitude);
        command.Parameters.AddWithValue("$areaMaxLat", maxLatitude);
        command.Parameters.AddWithValue("$areaMinLon", minLongitude);
        command.Parameters.AddWithValue("$areaMaxLon", maxLongitude);
        var pages = new StringBuilder();
        for (var i = 0; i < areas.Count; i++)
        {
            command.Parameters.AddWithValue($"$area{i}", areas[i]);
            pages.Append(i == 0 ? "" : " UNION ALL ").Append(CultureInfo.InvariantCulture, $"""
                SELECT * FROM (SELECT r.seq, r.start_ms FROM records AS r INDEXED BY records_by_area
                    WHERE r.cell IS NOT NULL AND r.cell >> {PlaceCell.AreaShift} = $area{i}
                        AND r.lat >= $areaMinLat AND r.lat <= $areaMaxLat AND r.lon >= $areaMinLon AND r.lon <= $areaMaxLon{where}
                    ORDER BY r.start_ms, r.seq LIMIT $limit)
                """);
        }

        return pages.ToString();
    }
}
