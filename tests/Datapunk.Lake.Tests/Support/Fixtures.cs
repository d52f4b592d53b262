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
