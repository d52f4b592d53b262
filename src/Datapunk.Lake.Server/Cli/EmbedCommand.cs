using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Datapunk.Lake.Search;

namespace Datapunk.Lake.Server.Cli;

/// <summary><c>lake embed</c>: computes the embeddings that semantic search needs, without the server.</summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var batch = new Option<int>("--batch-size") { Description = "Texts per model call.", DefaultValueFactory = _ => EmbeddingIndexer.DefaultBatchSize };
        var limit = new Option<long?>("--limit") { Description = "Embed at most this many records, then stop; run again to go on." };
        var command = new Command("embed", "Compute sentence embeddings for every text record that has none yet (on this machine).") { batch, limit };
        LocalAudit.SetAction(command, "embed", async (result, audit, cancellationToken) =>
        {
            if (result.GetValue(batch) < 1)
            {
                Console.Error.WriteLine($"Invalid --batch-size {result.GetValue(batch)}. Use 1 or more.");
                audit.Result = "invalid arguments";
                return 1;
            }

            if (result.GetValue(limit) is < 1)
            {
                Console.Error.WriteLine($"Invalid --limit {result.GetValue(limit)}. Use 1 or more.");
                audit.Result = "invalid arguments";
                return 1;
            }

            var lake = await audit.OpenLakeAsync(account: null, cancellationToken);
            var total = await lake.Search.Index.CountPendingEmbeddingsAsync(cancellationToken);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total} records to embed."));

            var stopwatch = Stopwatch.StartNew();
            var progress = new Progress<long>(done =>
                Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\r{done}/{total} embedded")));
            var count = await lake.Search.CreateIndexer().RunAsync(result.GetValue(batch), progress, cancellationToken, result.GetValue(limit) ?? long.MaxValue);

            audit.Result = string.Create(CultureInfo.InvariantCulture, $"{count} records embedded");
            var seconds = stopwatch.Elapsed.TotalSeconds;
            Console.Error.WriteLine();
            if (count == 0)
            {
                Console.WriteLine("Nothing to embed: every text record has an embedding.");
                return 0;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Embedded {count} records in {seconds:0.0} s ({(seconds > 0 ? count / seconds : 0):0} per second, including the model load)."));
            return 0;
        });
        return command;
    }
}
