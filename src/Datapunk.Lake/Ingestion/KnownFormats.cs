using Datapunk.Lake.Ingestion.Google.Chrome;
using Datapunk.Lake.Ingestion.Google.LocationHistory;
using Datapunk.Lake.Ingestion.Google.MyActivity;
using Datapunk.Lake.Ingestion.Google.YouTube;

namespace Datapunk.Lake.Ingestion;

/// <summary>Every importer the lake ships, in detection order: the most specific shapes first.</summary>
public static class KnownFormats
{
    public static FormatRegistry CreateRegistry() => new(
    [
        new RecordsJsonImporter(),
        new BrowserHistoryJsonImporter(),
        new MyActivityJsonImporter(),
        new MyActivityHtmlImporter(),
        new BookmarksHtmlImporter(),
        new YouTubeCommentsCsvImporter(),
        new YouTubeSubscriptionsCsvImporter(),
    ]);
}
