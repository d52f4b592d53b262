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

    public static readonly IReadOnlyList<string> All =
    [
        Location, Visit, ActivitySegment, WebVisit, Search, VideoWatch, Activity,
        Bookmark, Subscription, Comment,
        Message, CalendarEvent, Contact, Photo, Note,
    ];
}
