namespace Datapunk.Lake.Records;

/// <summary>The documented list of record kinds.</summary>
public static class RecordKinds
{
    /// <summary>One position fix from a device.</summary>
    public const string Location = "location";

    /// <summary>A stay at a place, with a start and an end.</summary>
    public const string Visit = "visit";

    /// <summary>A movement between two places (walking, driving, …).</summary>
    public const string ActivitySegment = "activity-segment";

    /// <summary>A page opened in a browser.</summary>
    public const string WebVisit = "web-visit";

    /// <summary>A query typed into a search engine or an app.</summary>
    public const string Search = "search";

    /// <summary>A video watched.</summary>
    public const string VideoWatch = "video-watch";

    /// <summary>Any other entry of an activity log (My Activity and the like).</summary>
    public const string Activity = "activity";

    /// <summary>A page saved in a browser's bookmarks, dated when it was added.</summary>
    public const string Bookmark = "bookmark";

    /// <summary>A channel or feed the account follows (YouTube subscriptions and the like).</summary>
    public const string Subscription = "subscription";

    /// <summary>A comment the account wrote under someone else's content (a video, a post).</summary>
    public const string Comment = "comment";

    public const string Message = "message";
    public const string CalendarEvent = "calendar-event";
    public const string Contact = "contact";
    public const string Photo = "photo";
    public const string Note = "note";

    /// <summary>A named collection of photos and videos, such as a Google Photos album.</summary>
    public const string Album = "album";

    /// <summary>One recorded exercise session (a run, a ride, …) with a start, an end and totals.</summary>
    public const string Workout = "workout";

    /// <summary>Totals of fitness measures (steps, distance, calories, …) over a fixed interval, such as a day or 15 minutes.</summary>
    public const string FitnessMetric = "fitness-metric";

    /// <summary>One raw data point of a fitness data source, such as a step-count delta or a heart-rate reading.</summary>
    public const string FitnessSample = "fitness-sample";

    public static readonly IReadOnlyList<string> All =
    [
        Location, Visit, ActivitySegment, WebVisit, Search, VideoWatch, Activity,
        Bookmark, Subscription, Comment,
        Message, CalendarEvent, Contact, Photo, Note,
        Album, Workout, FitnessMetric, FitnessSample,
    ];
}
