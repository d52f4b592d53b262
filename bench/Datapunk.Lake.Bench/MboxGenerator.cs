using System.Globalization;
using System.Text;

namespace Datapunk.Lake.Bench;

/// <summary>
/// Writes a synthetic Gmail Takeout mbox (mboxrd, RFC 4155): a <c>From </c> separator line per message, then
/// RFC 5322 headers with Gmail's <c>X-GM-THRID</c> and <c>X-Gmail-Labels</c>, a plain-text body whose lines that
/// start with <c>From </c> are quoted as <c>&gt;From </c>, and LF line ends.
/// </summary>
/// <remarks>
/// The same seed gives the same bytes. Every message has its own <c>Message-ID</c> and time.
/// </remarks>
public sealed class MboxGenerator(int seed)
{
    private static readonly string[] People = ["alice@example.org", "bob@example.net", "carol@example.com", "dave@example.org", "erin@example.net"];
    private static readonly string[] Subjects = ["Dinner on Friday", "Invoice 2024", "Photos from the trip", "Re: bike repair", "Meeting notes", "Train tickets", "Garden plans"];
    private static readonly string[] Sentences =
    [
        "Thanks for the photos, they came out really well.",
        "Could we move the meeting to Thursday afternoon?",
        "The invoice is attached; please pay by the end of the month.",
        "From what I remember the train leaves at nine.",
        "I planted the tomatoes along the south fence this year.",
        "Let me know if the chain still slips after the repair.",
    ];

    public long Write(Stream output, long messages)
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 20, leaveOpen: true);
        writer.NewLine = "\n";
        var culture = CultureInfo.InvariantCulture;
        var time = new DateTimeOffset(2018, 1, 1, 9, 0, 0, TimeSpan.FromHours(1));

        for (long i = 0; i < messages; i++)
        {
            time = time.AddSeconds(random.Next(60, 36_000));
            var from = People[random.Next(People.Length)];
            var to = People[random.Next(People.Length)];
            var thread = 1_600_000_000_000_000_000L + random.NextInt64(1_000_000_000_000);
            writer.WriteLine(string.Create(culture, $"From {thread}@xxx {time.UtcDateTime:ddd MMM dd HH:mm:ss +0000 yyyy}"));
            writer.WriteLine(string.Create(culture, $"X-GM-THRID: {thread}"));
            writer.WriteLine(random.Next(4) == 0 ? "X-Gmail-Labels: Archived,Category Personal" : "X-Gmail-Labels: Inbox,Opened,Category Personal");
            writer.WriteLine(string.Create(culture, $"Message-ID: <{i}.{random.Next():x8}@mail.example.org>"));
            writer.WriteLine(string.Create(culture, $"Date: {time:ddd, dd MMM yyyy HH:mm:ss} +0100"));
            writer.WriteLine($"From: {from}");
            writer.WriteLine($"To: {to}");
            writer.WriteLine(string.Create(culture, $"Subject: {Subjects[random.Next(Subjects.Length)]} #{i}"));
            writer.WriteLine("MIME-Version: 1.0");
            writer.WriteLine("Content-Type: text/plain; charset=\"UTF-8\"");
            writer.WriteLine("Content-Transfer-Encoding: 7bit");
            writer.WriteLine();
            var lines = random.Next(2, 8);
            for (var l = 0; l < lines; l++)
            {
                var sentence = Sentences[random.Next(Sentences.Length)];
                writer.WriteLine(sentence.StartsWith("From ", StringComparison.Ordinal) ? ">" + sentence : sentence);
            }

            writer.WriteLine();
        }

        return messages;
    }
}
