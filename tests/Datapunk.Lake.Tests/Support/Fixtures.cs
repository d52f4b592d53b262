using System.IO.Compression;
using System.Text;

namespace Datapunk.Lake.Tests.Support;

/// <summary>Small exports written by hand in the real formats.</summary>
public static class Fixtures
{
    /// <summary>A Records.json with three fixes: ISO with offset, epoch milliseconds with an activity, and ISO UTC.</summary>
    public const string RecordsJson = """
        {
          "locations": [{
            "latitudeE7": 485829140,
            "longitudeE7": 22940093,
            "accuracy": 20,
            "source": "WIFI",
            "deviceTag": -1234,
            "timestamp": "2023-05-01T08:15:30.123+02:00"
          }, {
            "latitudeE7": 485830000,
            "longitudeE7": 22950000,
            "accuracy": 12,
            "altitude": 35,
            "velocity": 1,
            "heading": 270,
            "timestampMs": "1682924130000",
            "activity": [{
              "timestampMs": "1682924131000",
              "activity": [{
                "type": "STILL",
                "confidence": 90
              }]
            }]
          }, {
            "latitudeE7": -338688000,
            "longitudeE7": 1512093000,
            "accuracy": 5,
            "timestamp": "2023-06-10T23:00:00Z"
          }]
        }
        """;

    /// <summary>
    /// One message of a Gmail mbox (mboxrd, as Takeout writes it) with a plain-text body and one base64 attachment
    /// whose decoded bytes are <paramref name="attachmentText"/>, followed by a blank line so that messages concatenate.
    /// </summary>
    public static string MailWithAttachment(string gmailId, string messageId, DateTimeOffset date, string from, string to,
        string subject, string body, string fileName, string attachmentText, string boundary = "b1") => $"""
        From {gmailId}@xxx {date.UtcDateTime.ToString("ddd MMM dd HH:mm:ss +0000 yyyy", System.Globalization.CultureInfo.InvariantCulture)}
        Message-ID: <{messageId}>
        Date: {date.ToString("ddd, d MMM yyyy HH:mm:ss ", System.Globalization.CultureInfo.InvariantCulture)}{date.ToString("zzz", System.Globalization.CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal)}
        From: {from}
        To: {to}
        Subject: {subject}
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="{boundary}"

        --{boundary}
        Content-Type: text/plain; charset=utf-8

        {body}
        --{boundary}
        Content-Type: application/octet-stream; name="{fileName}"
        Content-Disposition: attachment; filename="{fileName}"
        Content-Transfer-Encoding: base64

        {Convert.ToBase64String(Encoding.UTF8.GetBytes(attachmentText))}
        --{boundary}--


        """;

    /// <summary>Builds a zip in memory from (path, content) pairs.</summary>
    public static byte[] Zip(params (string Path, string Content)[] entries)
    {
        using var memory = new MemoryStream();
        using (var archive = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, content) in entries)
            {
                var entry = archive.CreateEntry(path, CompressionLevel.Fastest);
                using var stream = entry.Open();
                stream.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return memory.ToArray();
    }
}
