using Datapunk.Lake.Ingestion.Google.Calendar;
using Datapunk.Lake.Ingestion.Google.Chrome;
using Datapunk.Lake.Ingestion.Google.Contacts;
using Datapunk.Lake.Ingestion.Google.Fit;
using Datapunk.Lake.Ingestion.Google.Keep;
using Datapunk.Lake.Ingestion.Google.LocationHistory;
using Datapunk.Lake.Ingestion.Google.Mail;
using Datapunk.Lake.Ingestion.Google.MyActivity;
using Datapunk.Lake.Ingestion.Google.Photos;
using Datapunk.Lake.Ingestion.Google.YouTube;

namespace Datapunk.Lake.Ingestion;

/// <summary>Every importer the lake ships, in detection order: the most specific shapes first.</summary>
public static class KnownFormats
{
    public static FormatRegistry CreateRegistry() => new(
    [
        new RecordsJsonImporter(),
        new SemanticLocationHistoryImporter(),
        new OnDeviceTimelineImporter(),
        new OnDeviceTimelineIosImporter(),
        new IcsCalendarImporter(),
        new VcfContactsImporter(),
        new MboxImporter(),
        new BrowserHistoryJsonImporter(),
        new MyActivityJsonImporter(),
        new MyActivityHtmlImporter(),
        new BookmarksHtmlImporter(),
        new YouTubeCommentsCsvImporter(),
        new YouTubeSubscriptionsCsvImporter(),
        new TimelineEditsImporter(),
        new PhotoSidecarImporter(),
        new PhotoAlbumImporter(),
        new KeepNoteImporter(),
        new FitSessionImporter(),
        new FitDataPointsImporter(),
        new FitDailyMetricsImporter(),
    ],
    [
        new PhotoMediaLinker(),
    ]);
}
