using System.Diagnostics;
using System.Globalization;
using Datapunk.Lake.Sovereignty.Audit;

namespace Datapunk.Lake.Bench;

/// <summary>
/// Concurrent audit appends in one process, as the server makes them under load: <c>threads</c> threads append
/// <c>appends</c> entries in all to a new log in <c>directory</c>, which is verified afterwards.
/// </summary>
public static class AuditAppendBench
{
    public static int Run(string directory, int appends, int threads)
    {
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            Console.Error.WriteLine($"Directory '{directory}' is not empty; give a new or empty directory.");
            return 1;
        }

        Directory.CreateDirectory(directory);
        var log = AuditLog.InDataDirectory(directory);
        var next = 0;
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();

        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            while (Interlocked.Increment(ref next) <= appends)
            {
                log.Append("bench-token", "GET /v1/search/", string.Create(CultureInfo.InvariantCulture, $"q=lentil+soup thread={t}"), "ok 200");
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        var seconds = stopwatch.Elapsed.TotalSeconds;
        process.Refresh();
        var cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
        var verification = log.Verify();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{appends} appends from {threads} threads in {seconds:0.000} s wall, {cpuSeconds:0.000} s CPU: {appends / seconds:0} appends/s; chain valid: {verification.IsValid}, {verification.EntriesChecked} entries"));
        return verification.IsValid && verification.EntriesChecked == appends ? 0 : 1;
    }
}
