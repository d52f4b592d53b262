using Datapunk.Lake.Records;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Ingestion.Google.YouTube;

public sealed class YouTubeCsvTests
{
    [Fact]
    public async Task SubscriptionsCsv_ImportsChannels()
    {
        await using var lake = await TempLake.CreateAsync();
        const string csv = "Channel Id,Channel Url,Channel Title\r\nUCabc,http://www.youtube.com/channel/UCabc,\"Cooking, Simply\"\r\nUCdef,http://www.youtube.com/channel/UCdef,Daft Punk\r\n\r\n";

        var summary = await lake.ImportTextAsync("Takeout/YouTube and YouTube Music/subscriptions/subscriptions.csv", csv);

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(RecordKinds.Subscription, r.Kind));
        Assert.All(records, r => Assert.Equal("google/youtube/owner", r.Dataset));
        var cooking = records.Single(r => (string?)r.Attributes!["channelId"] == "UCabc");
        Assert.Equal("Cooking, Simply", cooking.Title);
        Assert.Equal("http://www.youtube.com/channel/UCabc", (string?)cooking.Attributes!["url"]);
        Assert.Equal("line 2", cooking.Provenance.Pointer);
    }

    [Fact]
    public async Task GermanSubscriptionsHeader_IsRecognised()
    {
        await using var lake = await TempLake.CreateAsync();

        var summary = await lake.ImportTextAsync("Takeout/YouTube und YouTube Music/Abos/Abos.csv", "Kanal-ID,Kanal-URL,Kanaltitel\nUCx,http://www.youtube.com/channel/UCx,Kanal X\n");

        Assert.Equal(1, summary.RecordsAdded);
    }

    [Fact]
    public async Task CommentsCsv_ImportsCommentText()
    {
        await using var lake = await TempLake.CreateAsync();
        const string csv = """
            Comment ID,Channel ID,Comment Create Timestamp,Price,Parent Comment ID,Post ID,Video ID,Comment Text
            UgxAAA,UCme,2023-05-13T11:23:35.123+00:00,,,,dQw4w9WgXcQ,"{""text"":""Great video, see ""},{""text"":""this"",""link"":{""linkUrl"":""https://example.com/x""}}"
            UgxBBB,UCme,2024-01-02T03:04:05+01:00,,UgxAAA,,dQw4w9WgXcQ,"{""text"":""first line
            second line""}"
            """;

        var summary = await lake.ImportTextAsync("Takeout/YouTube and YouTube Music/comments/comments.csv", csv);

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(RecordKinds.Comment, r.Kind));

        var first = records[0];
        Assert.Equal("Great video, see this", first.Text);
        Assert.Equal(new DateTimeOffset(2023, 5, 13, 11, 23, 35, 123, TimeSpan.Zero), first.Start);
        Assert.Equal("https://example.com/x", (string?)first.Attributes!["links"]![0]);
        Assert.Equal("dQw4w9WgXcQ", (string?)first.Attributes["videoId"]);
        Assert.False(first.Attributes.ContainsKey("parentCommentId"));

        var reply = records[1];
        Assert.Equal("first line\nsecond line", reply.Text);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(1)), reply.Start);
        Assert.Equal("UgxAAA", (string?)reply.Attributes!["parentCommentId"]);
        Assert.Equal("line 3", reply.Provenance.Pointer);
    }

    [Fact]
    public async Task CommentWithBadTimestamp_FailsFileWithLine()
    {
        await using var lake = await TempLake.CreateAsync();
        const string csv = "Comment ID,Channel ID,Comment Create Timestamp,Price,Parent Comment ID,Post ID,Video ID,Comment Text\nUgx1,UCme,last week,,,,v1,\"{\"\"text\"\":\"\"hi\"\"}\"\n";

        var summary = await lake.ImportTextAsync("comments.csv", csv);

        var file = Assert.Single(await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None));
        Assert.Equal(1, summary.Errors);
        Assert.Contains("the timestamp 'last week'", file.Message, StringComparison.Ordinal);
        Assert.Equal("line 2", file.Position);
    }
}
