namespace Datapunk.Lake.Storage.Sqlite;

/// <summary>
/// The Z-order (Morton) code of a position, stored in <c>records.cell</c> and indexed by <c>records_by_cell</c>,
/// and the code ranges that cover a bounding box.
/// </summary>
/// <remarks>
/// Latitude and longitude are each quantised to 31 bits (about 0.9 cm of latitude and 1.9 cm of longitude at the
/// equator) and their bits interleaved into one non-negative 62-bit integer. Points close on the map get close
/// codes, so a box is a few ranges of the B-tree index. The quantisation only rounds down, and it is monotonic,
/// so every point inside a box has a code inside the box's ranges; the ranges also contain points just outside,
/// which the query drops by testing <c>lat</c> and <c>lon</c>.
/// </remarks>
internal static class PlaceCell
{
    /// <summary>Bits of each coordinate in a code.</summary>
    public const int BitsPerAxis = 31;

    /// <summary>The default bound on the ranges of one box: more ranges fit the box closer but cost a seek each.</summary>
    public const int DefaultMaxRanges = 32;

    /// <summary>
    /// Bits of each coordinate dropped from a cell code to get its area: an area is a square of 2^17 quanta, about
    /// 0.011° of latitude by 0.022° of longitude (1.2 km by 2.4 km at the equator). <c>records_by_area</c> orders
    /// the points of each area by time.
    /// </summary>
    public const int AreaBitsPerAxis = 17;

    /// <summary>The shift from a cell code to its area code, written <c>cell &gt;&gt; 34</c> in SQL.</summary>
    public const int AreaShift = 2 * AreaBitsPerAxis;

    private const long AxisMax = (1L << BitsPerAxis) - 1;

    /// <summary>Returns the code of a position, or null when a coordinate is NaN or infinite.</summary>
    /// <remarks>Coordinates outside ±90° and ±180° are clamped to the edge, which keeps the order monotonic.</remarks>
    public static long? For(double latitude, double longitude)
    {
        if (!double.IsFinite(latitude) || !double.IsFinite(longitude))
        {
            return null;
        }

        return Interleave(QuantiseLongitude(longitude), QuantiseLatitude(latitude));
    }

    /// <summary>
    /// Returns sorted, disjoint, inclusive code ranges whose union contains the code of every point inside the box
    /// (edges included). An empty list means no point can be inside, as when a minimum is above its maximum.
    /// </summary>
    public static IReadOnlyList<(long Low, long High)> Ranges(
        double minLatitude, double maxLatitude, double minLongitude, double maxLongitude, int maxRanges = DefaultMaxRanges)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRanges, 1);
        if (double.IsNaN(minLatitude) || double.IsNaN(maxLatitude) || double.IsNaN(minLongitude) || double.IsNaN(maxLongitude)
            || minLatitude > maxLatitude || minLongitude > maxLongitude)
        {
            return [];
        }

        var box = new Box(QuantiseLongitude(minLongitude), QuantiseLongitude(maxLongitude), QuantiseLatitude(minLatitude), QuantiseLatitude(maxLatitude));

        // Descend the quadtree one level at a time. A quad inside the box is one whole range. A quad that only
        // overlaps it is split further while the total stays within maxRanges, and becomes a whole range (a
        // superset of its part of the box) at the level where splitting would exceed that bound.
        var ranges = new List<(long Low, long High)>();
        var partial = new List<Quad> { new(0, 0, BitsPerAxis) };
        while (partial.Count > 0)
        {
            if (partial[0].SizeBits == 0 || ranges.Count + partial.Count * 4 > maxRanges)
            {
                ranges.AddRange(partial.Select(q => q.Range));
                break;
            }

            var next = new List<Quad>(partial.Count * 4);
            foreach (var quad in partial)
            {
                foreach (var child in quad.Children())
                {
                    if (!box.Overlaps(child))
                    {
                        continue;
                    }

                    if (box.Contains(child))
                    {
                        ranges.Add(child.Range);
                    }
                    else
                    {
                        next.Add(child);
                    }
                }
            }

            partial = next;
        }

        return Merge(ranges);
    }

    /// <summary>
    /// Returns the codes of the areas that overlap the box, or null when there are more than
    /// <paramref name="maxAreas"/>. An empty list means no point can be inside.
    /// </summary>
    public static IReadOnlyList<long>? Areas(double minLatitude, double maxLatitude, double minLongitude, double maxLongitude, int maxAreas)
    {
        if (double.IsNaN(minLatitude) || double.IsNaN(maxLatitude) || double.IsNaN(minLongitude) || double.IsNaN(maxLongitude)
            || minLatitude > maxLatitude || minLongitude > maxLongitude)
        {
            return [];
        }

        var (minX, maxX) = (QuantiseLongitude(minLongitude) >> AreaBitsPerAxis, QuantiseLongitude(maxLongitude) >> AreaBitsPerAxis);
        var (minY, maxY) = (QuantiseLatitude(minLatitude) >> AreaBitsPerAxis, QuantiseLatitude(maxLatitude) >> AreaBitsPerAxis);
        if ((maxX - minX + 1) * (maxY - minY + 1) > maxAreas)
        {
            return null;
        }

        var areas = new List<long>();
        for (var x = minX; x <= maxX; x++)
        {
            for (var y = minY; y <= maxY; y++)
            {
                areas.Add(Interleave(x, y));
            }
        }

        return areas;
    }

    private static long QuantiseLatitude(double latitude) => Quantise((latitude + 90) / 180);

    private static long QuantiseLongitude(double longitude) => Quantise((longitude + 180) / 360);

    private static long Quantise(double fraction) =>
        Math.Clamp((long)Math.Floor(fraction * (1L << BitsPerAxis)), 0, AxisMax);

    private static long Interleave(long x, long y) => Spread(x) | (Spread(y) << 1);

    /// <summary>Moves bit i of a 31-bit value to bit 2i.</summary>
    private static long Spread(long value)
    {
        var v = (ulong)value;
        v = (v | (v << 16)) & 0x0000FFFF0000FFFFUL;
        v = (v | (v << 8)) & 0x00FF00FF00FF00FFUL;
        v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FUL;
        v = (v | (v << 2)) & 0x3333333333333333UL;
        v = (v | (v << 1)) & 0x5555555555555555UL;
        return (long)v;
    }

    private static List<(long Low, long High)> Merge(List<(long Low, long High)> ranges)
    {
        ranges.Sort();
        var merged = new List<(long Low, long High)>(ranges.Count);
        foreach (var range in ranges)
        {
            if (merged.Count > 0 && merged[^1].High + 1 >= range.Low)
            {
                merged[^1] = (merged[^1].Low, Math.Max(merged[^1].High, range.High));
            }
            else
            {
                merged.Add(range);
            }
        }

        return merged;
    }

    /// <summary>A box of quantised coordinates, both ends inclusive.</summary>
    private readonly record struct Box(long MinX, long MaxX, long MinY, long MaxY)
    {
        public bool Overlaps(Quad quad) => quad.X <= MaxX && quad.MaxX >= MinX && quad.Y <= MaxY && quad.MaxY >= MinY;

        public bool Contains(Quad quad) => quad.X >= MinX && quad.MaxX <= MaxX && quad.Y >= MinY && quad.MaxY <= MaxY;
    }

    /// <summary>A square of side 2^SizeBits quanta whose lower corner (X, Y) is a multiple of its side.</summary>
    private readonly record struct Quad(long X, long Y, int SizeBits)
    {
        public long MaxX => X + (1L << SizeBits) - 1;

        public long MaxY => Y + (1L << SizeBits) - 1;

        /// <summary>The codes of the quad: its corner's code and the next 4^SizeBits - 1.</summary>
        public (long Low, long High) Range
        {
            get
            {
                var low = Interleave(X, Y);
                return (low, low + (1L << (2 * SizeBits)) - 1);
            }
        }

        public IEnumerable<Quad> Children()
        {
            var half = 1L << (SizeBits - 1);
            yield return new Quad(X, Y, SizeBits - 1);
            yield return new Quad(X + half, Y, SizeBits - 1);
            yield return new Quad(X, Y + half, SizeBits - 1);
            yield return new Quad(X + half, Y + half, SizeBits - 1);
        }
    }
}
