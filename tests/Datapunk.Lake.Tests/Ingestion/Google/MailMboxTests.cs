using Datapunk.Lake.Records;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Ingestion.Google;

public sealed class MailMboxTests
{
    private const string Dataset = "google/mail/owner";
    private const string Path = "Takeout/Mail/All mail Including Spam and Trash.mbox";

    // Written by hand in Gmail's layout: a plain message with an mboxrd-quoted ">From " line, a multipart reply
    // with a base64 attachment ("hello world"), and an HTML-only message without Message-ID.
    private const string ThreeMessages = """
        From 1591985461185485612@xxx Sat Jan 16 09:41:26 +0000 2021
        X-GM-THRID: 1689000000000000001
        X-Gmail-Labels: Inbox,Important,"Work, 2021",Opened
        Message-ID: <one@example.com>
        Date: Sat, 16 Jan 2021 10:41:26 +0100
        From: Ana <ana@example.com>
        To: owner@example.com
        Subject: Plain hello
        Content-Type: text/plain; charset=utf-8

        Hello there.
        >From the archive, a quoted line.

        From 1591985461185485613@xxx Sun Jan 17 12:00:00 +0000 2021
        X-GM-THRID: 1689000000000000001
        X-Gmail-Labels: Sent
        Message-ID: <two@example.com>
        In-Reply-To: <one@example.com>
        Date: Sun, 17 Jan 2021 07:00:00 -0500
        From: owner@example.com
        To: Ana <ana@example.com>
        Cc: bo@example.com
        Subject: Re: Plain hello
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b1"

        --b1
        Content-Type: text/plain; charset=utf-8

        See the attachment.
        --b1
        Content-Type: text/plain; name="notes.txt"
        Content-Disposition: attachment; filename="notes.txt"
        Content-Transfer-Encoding: base64

        aGVsbG8gd29ybGQ=
        --b1--

        From 1591985461185485614@xxx Mon Jan 18 08:00:00 +0000 2021
        X-Gmail-Labels: Spam
        Date: Mon, 18 Jan 2021 08:00:00 +0000
        From: spam@example.biz
        Subject: HTML only
        Content-Type: text/html; charset=utf-8

        <html><head><style>p{color:red}</style></head><body><p>Win <b>big</b></p><p>Now</p></body></html>

        """;

    private const string HelloWorldSha256 = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";

    [Fact]
    public async Task ThreeMessages_ImportWithDatesAndSubjects()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync(Path, ThreeMessages);

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(3, records.Count);
        Assert.Equal(["Plain hello", "Re: Plain hello", "HTML only"], records.Select(r => r.Title));
        Assert.Equal(new DateTimeOffset(2021, 1, 16, 10, 41, 26, TimeSpan.FromHours(1)), records[0].Start);
        Assert.Equal(TimeSpan.FromHours(1), records[0].Start.Offset);
        Assert.Equal(TimeSpan.FromHours(-5), records[1].Start.Offset);
        Assert.All(records, r => Assert.Equal(Dataset, r.Dataset));
        Assert.All(records, r => Assert.Equal(RecordKinds.Message, r.Kind));
    }

    [Fact]
    public async Task PlainMessage_KeepsLabelsThreadAndUnquotesFrom()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(Path, ThreeMessages);

        var first = (await lake.AllRecordsAsync())[0];
        Assert.Equal(["Inbox", "Important", "Work, 2021", "Opened"], first.Attributes!["labels"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Equal("1689000000000000001", first.Attributes["threadId"]!.GetValue<string>());
        Assert.Equal("\"Ana\" <ana@example.com>", first.Attributes["from"]!.GetValue<string>());
        Assert.Equal("Hello there.\nFrom the archive, a quoted line.\n", first.Text);
        Assert.Equal(RecordId.For(Dataset, RecordKinds.Message, "one@example.com"), first.Id);
        Assert.Equal(0, first.Provenance.ByteOffset);
    }

    [Fact]
    public async Task MultipartMessage_StoresAttachmentBlob()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(Path, ThreeMessages);

        var reply = (await lake.AllRecordsAsync())[1];
        var attachment = reply.Attributes!["attachments"]![0]!;
        Assert.Equal("notes.txt", attachment["fileName"]!.GetValue<string>());
        Assert.Equal("text/plain", attachment["contentType"]!.GetValue<string>());
        Assert.Equal(11, attachment["size"]!.GetValue<long>());
        Assert.Equal(HelloWorldSha256, attachment["sha256"]!.GetValue<string>());
        Assert.True(await lake.Lake.Blobs.ExistsAsync(HelloWorldSha256, CancellationToken.None));
        Assert.True(await lake.Lake.Records.IsBlobRegisteredAsync(HelloWorldSha256, CancellationToken.None));
        Assert.Equal(["bo@example.com"], reply.Attributes["cc"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("one@example.com", reply.Attributes["inReplyTo"]!.GetValue<string>());
        Assert.Equal("See the attachment.", reply.Text);
    }

    [Fact]
    public async Task HtmlMessage_BecomesTextWithHashKey()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync(Path, ThreeMessages);

        var spam = (await lake.AllRecordsAsync())[2];
        Assert.Equal("Win big\nNow", spam.Text);
        Assert.Equal(["Spam"], spam.Attributes!["labels"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Equal(RecordId.For(Dataset, RecordKinds.Message, "hash:97992f9b2358152028e0a52ed9ed4393"), spam.Id);
    }

    [Fact]
    public async Task TruncatedMultipart_FailsWholeFile()
    {
        var cut = ThreeMessages[..(ThreeMessages.IndexOf("aGVsbG8gd29ybGQ=", StringComparison.Ordinal) + "aGVsbG8gd29ybGQ=\n".Length)];
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync(Path, cut);

        var report = (await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None)).Single();
        Assert.Equal(1, summary.Errors);
        Assert.Contains("no closing boundary '--b1--'", report.Message, StringComparison.Ordinal);
        Assert.StartsWith("message 1, byte ", report.Position, StringComparison.Ordinal);
        Assert.Empty(await lake.AllRecordsAsync());
    }

    [Fact]
    public async Task CutMidLine_FailsWholeFile()
    {
        var cut = ThreeMessages[..ThreeMessages.IndexOf("archive, a quoted", StringComparison.Ordinal)];
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync(Path, cut);

        var report = (await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None)).Single();
        Assert.Equal(1, summary.Errors);
        Assert.Contains("does not end with a line break", report.Message, StringComparison.Ordinal);
        Assert.Empty(await lake.AllRecordsAsync());
    }

    [Fact]
    public async Task GeneratedLargeMbox_ImportsEveryMessage()
    {
        const int count = 20_000;
        var folder = TempLake.NewDirectory();
        var file = System.IO.Path.Combine(folder, "All mail Including Spam and Trash.mbox");
        await using (var writer = new StreamWriter(file))
        {
            writer.NewLine = "\n";
            var date = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
            for (var i = 0; i < count; i++)
            {
                var sent = date.AddMinutes(i);
                await writer.WriteLineAsync($"From {i}@xxx {sent.ToString("ddd MMM dd HH:mm:ss +0000 yyyy", System.Globalization.CultureInfo.InvariantCulture)}");
                await writer.WriteLineAsync($"Message-ID: <m{i}@example.com>");
                await writer.WriteLineAsync($"Date: {sent.ToString("r", System.Globalization.CultureInfo.InvariantCulture)}");
                await writer.WriteLineAsync("From: bulk@example.com");
                await writer.WriteLineAsync($"Subject: Message {i}");
                await writer.WriteLineAsync();
                await writer.WriteLineAsync($"Body of message {i}.");
                await writer.WriteLineAsync();
            }
        }

        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportAsync(folder);

        Assert.Equal(0, summary.Errors);
        Assert.Equal(count, summary.RecordsAdded);
        Assert.Equal(count, await lake.Lake.Records.CountRecordsAsync(CancellationToken.None));
    }
}
