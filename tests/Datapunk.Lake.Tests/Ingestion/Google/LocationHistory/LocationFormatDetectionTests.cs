using System.Text;
using Datapunk.Lake.Ingestion;

namespace Datapunk.Lake.Tests.Ingestion.Google.LocationHistory;

public sealed class LocationFormatDetectionTests
{
    private static readonly FormatRegistry Registry = KnownFormats.CreateRegistry();

    [Theory]
    [InlineData("Takeout/Standortverlauf/Semantic Location History/2023/2023_MAI.json", """{"timelineObjects": [{"placeVisit": {}}]}""", "google.location-history.semantic")]
    [InlineData("export/whatever.json", """{"timelineObjects": []}""", "google.location-history.semantic")]
    [InlineData("Zeitachse.json", """{"semanticSegments": [{"startTime": "2024-03-09T18:00:00.000+01:00"}]}""", "google.location-history.timeline")]
    [InlineData("Chronologie.json", """{"rawSignals": [{"position": {}}]}""", "google.location-history.timeline")]
    [InlineData("Timeline.json", """{"userLocationProfile": {"frequentPlaces": []}}""", "google.location-history.timeline")]
    [InlineData("historial.json", """[{"endTime": "x", "startTime": "y", "visit": {}}]""", "google.location-history.timeline-ios")]
    [InlineData("location-history.json", """[{"startTime": "y", "endTime": "x", "timelineMemory": {}}]""", "google.location-history.timeline-ios")]
    [InlineData("location-history.json", """[{"startTime": "y", "endTime": "x", "activity": {}}]""", "google.location-history.timeline-ios")]
    [InlineData("location-history.json", """[{"startTime": "y", "endTime": "x", "timelinePath": []}]""", "google.location-history.timeline-ios")]
    [InlineData("Records.json", """{"locations": [{"latitudeE7": 1, "timestampMs": "0"}]}""", "google.location-history.records")]
    public void Detect_ByContent(string path, string content, string format)
    {
        Assert.Equal(format, Detect(path, content)?.Format);
    }

    [Theory]
    [InlineData("location-history.json", """[{"startTime": "y", "endTime": "x", "title": "meeting"}]""")]
    [InlineData("location-history.json", """[{"startTime": "y", "visit": {}}]""")]
    [InlineData("Timeline.json", """{"segments": []}""")]
    [InlineData("Semantic Location History/2023/2023_MAY.json", """{"objects": []}""")]
    public void Detect_IgnoresLookAlikes(string path, string content)
    {
        Assert.Null(Detect(path, content));
    }

    private static IFormatImporter? Detect(string path, string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        return Registry.Detect(new FileSniff(path, bytes.Length, bytes));
    }
}
