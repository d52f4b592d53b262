using Datapunk.Lake.Sovereignty.Audit;
using Datapunk.Lake.Tests.Support;

namespace Datapunk.Lake.Tests.Sovereignty;

/// <summary>
/// <c>audit-head</c> and verification while the server and local commands append to the same log from separate
/// processes. Two <see cref="AuditLog"/> instances on the same files stand in for them, because each has its own
/// in-process lock, as two processes would.
/// </summary>
public sealed class AuditHeadTests
{
    private const int AppendsPerWriter = 300;

    [Fact]
    public async Task Verify_DuringAppendsFromTwoWriters()
    {
        var directory = TempLake.NewDirectory();
        var server = AuditLog.InDataDirectory(directory);
        var commandLine = AuditLog.InDataDirectory(directory);
        var reader = AuditLog.InDataDirectory(directory);

        var writers = Task.WhenAll(
            Task.Run(() => Append(server, "token-a", AppendsPerWriter)),
            Task.Run(() => Append(commandLine, "local-cli:test", AppendsPerWriter)));
        var problems = new List<string>();
        var verifications = 0;
        while (!writers.IsCompleted)
        {
            var verification = reader.Verify();
            verifications++;
            if (!verification.IsValid)
            {
                problems.Add(verification.Problem!);
            }
        }

        await writers;

        Assert.Empty(problems);
        Assert.True(verifications > 1, "The writers finished before the first verification.");
        Assert.True(reader.Verify().IsValid);
        Assert.Equal(2 * AppendsPerWriter, reader.Verify().EntriesChecked);
    }

    [Fact]
    public async Task Head_EndsAtLastEntryAfterTwoWriters()
    {
        var directory = TempLake.NewDirectory();
        var first = AuditLog.InDataDirectory(directory);
        var second = AuditLog.InDataDirectory(directory);

        await Task.WhenAll(
            Task.Run(() => Append(first, "token-a", AppendsPerWriter)),
            Task.Run(() => Append(second, "local-cli:test", AppendsPerWriter)));
        var last = first.Page(0, 10 * AppendsPerWriter)[^1];
        var head = (await File.ReadAllTextAsync(Path.Combine(directory, "audit-head"))).Trim();

        Assert.Equal($"{last.Sequence} {last.Hash}", head);
    }

    [Fact]
    public async Task Verify_AcceptsHeadOneEntryBehind()
    {
        // A writer that stops between its commit and its head write leaves the head one entry behind.
        var directory = TempLake.NewDirectory();
        var log = AuditLog.InDataDirectory(directory);
        Append(log, "token-a", 3);
        var second = log.Page(0, 10)[1];
        await File.WriteAllTextAsync(Path.Combine(directory, "audit-head"), $"2 {second.Hash}\n");

        var verification = log.Verify();

        Assert.True(verification.IsValid, verification.Problem);
        Assert.Equal(3, verification.EntriesChecked);
    }

    [Fact]
    public async Task Verify_NamesEntryWithOtherHashThanHead()
    {
        var directory = TempLake.NewDirectory();
        var log = AuditLog.InDataDirectory(directory);
        Append(log, "token-a", 3);
        await File.WriteAllTextAsync(Path.Combine(directory, "audit-head"), $"2 {AuditLog.GenesisHash}\n");

        var verification = log.Verify();

        Assert.False(verification.IsValid);
        Assert.Equal(2, verification.FirstBadSequence);
    }

    [Fact]
    public async Task Verify_RejectsMalformedHead()
    {
        var directory = TempLake.NewDirectory();
        var log = AuditLog.InDataDirectory(directory);
        Append(log, "token-a", 3);
        await File.WriteAllTextAsync(Path.Combine(directory, "audit-head"), "three\n");

        var verification = log.Verify();

        Assert.False(verification.IsValid);
        Assert.StartsWith("audit-head is malformed", verification.Problem, StringComparison.Ordinal);
    }

    private static void Append(AuditLog log, string tokenId, int count)
    {
        for (var i = 0; i < count; i++)
        {
            log.Append(tokenId, "GET /v1/datasets", null, "ok 200");
        }
    }
}
