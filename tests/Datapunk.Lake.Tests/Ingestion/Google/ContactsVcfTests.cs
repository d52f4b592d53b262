using Datapunk.Lake.Records;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Ingestion.Google;

public sealed class ContactsVcfTests
{
    private const string Dataset = "google/contacts/owner";

    // Written by hand: 2.1 with QUOTED-PRINTABLE (soft line break, ISO-8859-1), 3.0 with groups, labels and a
    // folded line, 4.0 with a UID, a REV and a data URI photo.
    private const string ThreeVersions =
        "BEGIN:VCARD\r\n" +
        "VERSION:2.1\r\n" +
        "N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen;;;\r\n" +
        "FN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:J=FCrgen M=FCller\r\n" +
        "TEL;CELL;HOME:+49 170 1234567\r\n" +
        "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Erste Zeile=0D=0AZweite Zeile mit =\r\n" +
        "Umbruch =C3=BC\r\n" +
        "END:VCARD\r\n" +
        "BEGIN:VCARD\n" +
        "VERSION:3.0\n" +
        "FN:Ada Lovelace\n" +
        "N:Lovelace;Ada;;;\n" +
        "item1.EMAIL;TYPE=INTERNET:ada@example.org\n" +
        "item1.X-ABLabel:Work\n" +
        "item2.TEL:+44 20 7946 0000\n" +
        "item2.X-ABLabel:_$!<Mobile>!$_\n" +
        "ADR;TYPE=HOME:;;12 St James\\, Square;London;;SW1Y 4JH;United King\n" +
        " dom\n" +
        "ORG:Analytical Engines;Research\n" +
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQ\n" +
        "\tAAAQABAAD=\n" +
        "END:VCARD\n" +
        "BEGIN:VCARD\r\n" +
        "VERSION:4.0\r\n" +
        "UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1\r\n" +
        "FN:Grace Hopper\r\n" +
        "EMAIL;TYPE=\"work,pref\":grace@example.net\r\n" +
        "BDAY:--1209\r\n" +
        "URL:https://example.net/grace\r\n" +
        "PHOTO:data:image/png;base64,iVBORw0KGgo=\r\n" +
        "REV:20240102T030405Z\r\n" +
        "END:VCARD\r\n";

    [Fact]
    public async Task ThreeVersions_ImportOneRecordEach()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync("Takeout/Contacts/All Contacts/All Contacts.vcf", ThreeVersions);

        var records = await lake.AllRecordsAsync();
        Assert.Equal(0, summary.Errors);
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal(Dataset, r.Dataset));
        Assert.All(records, r => Assert.Equal(RecordKinds.Contact, r.Kind));
    }

    [Fact]
    public async Task Version21_DecodesQuotedPrintableAndCharset()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync("contacts.vcf", ThreeVersions);

        var card = (await lake.AllRecordsAsync()).Single(r => r.Attributes!["version"]!.GetValue<string>() == "2.1");
        Assert.Equal("Jürgen Müller", card.Title);
        Assert.Equal("Müller", card.Attributes!["name"]!["family"]!.GetValue<string>());
        Assert.Equal("Erste Zeile\r\nZweite Zeile mit Umbruch ü", card.Text);
        Assert.Equal("+49 170 1234567", card.Attributes["phones"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(["cell", "home"], card.Attributes["phones"]![0]!["types"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(RecordId.For(Dataset, RecordKinds.Contact, "name:jürgen müller|+491701234567"), card.Id);
    }

    [Fact]
    public async Task Version30_KeepsGroupLabelsAndFolding()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync("contacts.vcf", ThreeVersions);

        var card = (await lake.AllRecordsAsync()).Single(r => r.Title == "Ada Lovelace");
        Assert.Equal("Work", card.Attributes!["emails"]![0]!["label"]!.GetValue<string>());
        Assert.Equal("Mobile", card.Attributes["phones"]![0]!["label"]!.GetValue<string>());
        Assert.Equal("12 St James, Square", card.Attributes["addresses"]![0]!["street"]!.GetValue<string>());
        Assert.Equal("United Kingdom", card.Attributes["addresses"]![0]!["country"]!.GetValue<string>());
        Assert.Equal("Analytical Engines", card.Attributes["organization"]!.GetValue<string>());
        Assert.Equal(20, card.Attributes["photo"]!["length"]!.GetValue<long>());
        Assert.True(card.Attributes["timeless"]!.GetValue<bool>());
        Assert.Equal(DateTimeOffset.UnixEpoch, card.Start);
        Assert.False(card.StartOffsetKnown);
        Assert.Equal(RecordId.For(Dataset, RecordKinds.Contact, "name:ada lovelace|ada@example.org"), card.Id);
    }

    [Fact]
    public async Task Version40_UsesUidAndRevision()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportTextAsync("contacts.vcf", ThreeVersions);

        var card = (await lake.AllRecordsAsync()).Single(r => r.Title == "Grace Hopper");
        Assert.Equal(RecordId.For(Dataset, RecordKinds.Contact, "uid:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"), card.Id);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), card.Start);
        Assert.True(card.StartOffsetKnown);
        Assert.Equal("--1209", card.Attributes!["birthday"]!.GetValue<string>());
        Assert.Equal(["work"], card.Attributes["emails"]![0]!["types"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.True(card.Attributes["emails"]![0]!["preferred"]!.GetValue<bool>());
        Assert.Equal(8, card.Attributes["photo"]!["length"]!.GetValue<long>());
        Assert.Equal("image/png", card.Attributes["photo"]!["mediaType"]!.GetValue<string>());
        Assert.Null(card.Attributes["timeless"]);
    }

    [Fact]
    public async Task MissingEnd_FailsWholeFileWithLine()
    {
        const string cut = "BEGIN:VCARD\nVERSION:3.0\nFN:Ok\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Cut off\n";
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportTextAsync("contacts.vcf", cut);

        var report = (await lake.Lake.Records.GetImportFilesAsync(summary.Id, CancellationToken.None)).Single();
        Assert.Equal(1, summary.Errors);
        Assert.Equal("line 5", report.Position);
        Assert.Contains("END:VCARD is missing", report.Message, StringComparison.Ordinal);
        Assert.Empty(await lake.AllRecordsAsync());
    }

    [Fact]
    public async Task CorpusGmailCard_ImportsEveryField()
    {
        await using var lake = await TempLake.CreateAsync();
        var summary = await lake.ImportAsync(Corpus.File("mangstadt+ez-vcard/src/test/resources/ezvcard/io/text/John_Doe_GMAIL.vcf"));

        var card = Assert.Single(await lake.AllRecordsAsync());
        var attributes = card.Attributes!;
        Assert.Equal(0, summary.Errors);
        Assert.Equal("Mr. John Richter, James Doe Sr.", card.Title);
        Assert.Equal("Doe", attributes["name"]!["family"]!.GetValue<string>());
        Assert.Equal("John", attributes["name"]!["given"]!.GetValue<string>());
        Assert.Equal("Richter, James", attributes["name"]!["additional"]!.GetValue<string>());
        Assert.Equal("Mr.", attributes["name"]!["prefix"]!.GetValue<string>());
        Assert.Equal("Sr.", attributes["name"]!["suffix"]!.GetValue<string>());
        Assert.Equal("john.doe@ibm.com", attributes["emails"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(["internet", "home"], attributes["emails"]![0]!["types"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(["905-555-1234", "905-666-1234"], attributes["phones"]!.AsArray().Select(p => p!["value"]!.GetValue<string>()));
        Assert.Equal("Crescent moon drive\n555-asd\nNice Area, Albaney, New York 12345\nUnited States of America", attributes["addresses"]![0]!["extended"]!.GetValue<string>());
        Assert.Equal("IBM", attributes["organization"]!.GetValue<string>());
        Assert.Equal("Money Counter", attributes["title"]!.GetValue<string>());
        Assert.Equal("1980-03-22", attributes["birthday"]!.GetValue<string>());
        Assert.Equal("http://www.ibm.com", attributes["urls"]![0]!["value"]!.GetValue<string>());
        Assert.StartsWith("THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS \"AS IS\"", card.Text, StringComparison.Ordinal);
        Assert.EndsWith("POSSIBILITY OF SUCH DAMAGE.\nFavotire Color: Blue", card.Text, StringComparison.Ordinal);
        Assert.Equal(RecordId.For(Dataset, RecordKinds.Contact, "name:mr. john richter, james doe sr.|john.doe@ibm.com"), card.Id);
    }

    [Fact]
    public async Task CorpusGmailCard_KeepsLabelledExtensions()
    {
        await using var lake = await TempLake.CreateAsync();
        await lake.ImportAsync(Corpus.File("mangstadt+ez-vcard/src/test/resources/ezvcard/io/text/John_Doe_GMAIL.vcf"));

        var other = Assert.Single(await lake.AllRecordsAsync()).Attributes!["other"]!.AsArray();
        var anniversary = other.Single(o => o!["name"]!.GetValue<string>() == "X-ABDATE")!;
        var spouse = other.Single(o => o!["name"]!.GetValue<string>() == "X-ABRELATEDNAMES")!;
        Assert.Equal("1975-03-01", anniversary["value"]!.GetValue<string>());
        Assert.Equal("Anniversary", anniversary["label"]!.GetValue<string>());
        Assert.Equal("Jenny", spouse["value"]!.GetValue<string>());
        Assert.Equal("Spouse", spouse["label"]!.GetValue<string>());
        Assert.Equal("Jon", other.Single(o => o!["name"]!.GetValue<string>() == "X-PHONETIC-FIRST-NAME")!["value"]!.GetValue<string>());
    }
}
