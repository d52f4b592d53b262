namespace Datapunk.Lake.Ingestion.Google;

/// <summary>Names of the Google datasets: <c>google/PRODUCT/ACCOUNT</c>.</summary>
public static class GoogleDatasets
{
    /// <summary>Every location source (Records.json, Semantic Location History, on-device Timeline) shares one dataset, so their merge keys can meet.</summary>
    public static string LocationHistory(string account) => $"google/location-history/{account}";

    /// <summary>My Activity per product, with the product name in lower-case words joined by '-'.</summary>
    public static string MyActivity(string product, string account) => $"google/my-activity/{Slug(product)}/{account}";

    /// <summary>Every calendar of the account; the calendar's name is an attribute of each event.</summary>
    public static string Calendar(string account) => $"google/calendar/{account}";

    public static string Contacts(string account) => $"google/contacts/{account}";

    public static string Mail(string account) => $"google/mail/{account}";

    /// <summary>Chrome's own files: <c>BrowserHistory.json</c> and <c>Bookmarks.html</c>.</summary>
    public static string Chrome(string account) => $"google/chrome/{account}";

    /// <summary>YouTube's own files (subscriptions, comments); watch and search history are My Activity.</summary>
    public static string YouTube(string account) => $"google/youtube/{account}";

    public static string Photos(string account) => $"google/photos/{account}";

    public static string Keep(string account) => $"google/keep/{account}";

    public static string Fit(string account) => $"google/fit/{account}";

    public static string Slug(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        foreach (var c in text.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        return builder.ToString().Trim('-') is { Length: > 0 } slug ? slug : "unknown";
    }
}
