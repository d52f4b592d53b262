using Datapunk.Lake.Storage.Sqlite;

namespace Datapunk.Lake.Tests.Storage;

public sealed class PlaceCellTests
{
    [Fact]
    public void For_NaNIsNull()
    {
        Assert.Null(PlaceCell.For(double.NaN, 2.35));
        Assert.Null(PlaceCell.For(48.85, double.PositiveInfinity));
    }

    [Fact]
    public void For_CornersOfTheWorld()
    {
        Assert.Equal(0L, PlaceCell.For(-90, -180));
        Assert.Equal((1L << 62) - 1, PlaceCell.For(90, 180));
        Assert.Equal((1L << 62) - 1, PlaceCell.For(95, 200));
    }

    [Fact]
    public void Ranges_WholeWorldIsOneRange()
    {
        var ranges = PlaceCell.Ranges(-90, 90, -180, 180);

        Assert.Equal([(0L, (1L << 62) - 1)], ranges);
    }

    [Theory]
    [InlineData(49, 48, 2, 3)]
    [InlineData(48, 49, 3, 2)]
    [InlineData(double.NaN, 49, 2, 3)]
    public void Ranges_EmptyBoxHasNone(double minLatitude, double maxLatitude, double minLongitude, double maxLongitude)
    {
        Assert.Empty(PlaceCell.Ranges(minLatitude, maxLatitude, minLongitude, maxLongitude));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(32)]
    public void Ranges_StayWithinTheBound(int maxRanges)
    {
        var ranges = PlaceCell.Ranges(48.8512, 48.8612, 2.2894, 2.2994, maxRanges);

        Assert.InRange(ranges.Count, 1, maxRanges);
    }

    [Fact]
    public void Ranges_AreSortedAndDisjoint()
    {
        var ranges = PlaceCell.Ranges(-33.9, -33.8, 151.15, 151.3);

        for (var i = 1; i < ranges.Count; i++)
        {
            Assert.True(ranges[i - 1].High + 1 < ranges[i].Low, $"Range {i - 1} ends at {ranges[i - 1].High} and range {i} starts at {ranges[i].Low}.");
        }
    }

    [Fact]
    public void Ranges_ContainEveryPointInside()
    {
        // Boxes of several sizes and places, and points inside them, on their edges and corners.
        var random = new Random(7);
        for (var box = 0; box < 200; box++)
        {
            var height = Math.Pow(10, random.NextDouble() * 5 - 4);
            var width = Math.Pow(10, random.NextDouble() * 5 - 4);
            var minLatitude = random.NextDouble() * (180 - height) - 90;
            var minLongitude = random.NextDouble() * (360 - width) - 180;
            var maxLatitude = minLatitude + height;
            var maxLongitude = minLongitude + width;
            var ranges = PlaceCell.Ranges(minLatitude, maxLatitude, minLongitude, maxLongitude);

            var points = new List<(double Latitude, double Longitude)>
            {
                (minLatitude, minLongitude), (minLatitude, maxLongitude), (maxLatitude, minLongitude), (maxLatitude, maxLongitude),
            };
            for (var i = 0; i < 50; i++)
            {
                points.Add((minLatitude + random.NextDouble() * height, minLongitude + random.NextDouble() * width));
            }

            foreach (var (latitude, longitude) in points)
            {
                var cell = PlaceCell.For(latitude, longitude)!.Value;
                Assert.True(ranges.Any(r => r.Low <= cell && cell <= r.High), $"({latitude}, {longitude}) has cell {cell}, outside every range of box {box}.");
            }
        }
    }

    [Fact]
    public void Ranges_SmallBoxCoversLittleMore()
    {
        // A 0.01° box: the ranges cover a few times its area, so a query scans few index entries outside it.
        const double Quanta = 1L << PlaceCell.BitsPerAxis;
        var boxCells = (0.01 / 180 * Quanta) * (0.01 / 360 * Quanta);

        var covered = PlaceCell.Ranges(48.8512, 48.8612, 2.2894, 2.2994).Sum(r => (double)(r.High - r.Low + 1));

        Assert.InRange(covered / boxCells, 1, 4);
    }
}
