using System.Diagnostics;
using System.Globalization;
using Datapunk.Lake.Bench;

// Seeded generators of realistic Takeout files, the bare-scan ceiling for the import benchmark, and concurrent audit appends.
// See BENCHMARKS.md at the repository root and bench/run.sh.
const string Usage = """
    Usage:
      Datapunk.Lake.Bench records-json OUTPUT (--points N | --bytes SIZE[K|M|G]) [--seed S]
      Datapunk.Lake.Bench my-activity OUTPUT --entries N [--seed S]
      Datapunk.Lake.Bench mbox OUTPUT --messages N [--seed S]
      Datapunk.Lake.Bench scan RECORDS_JSON [--ndjson OUTPUT]
      Datapunk.Lake.Bench audit-append NEW_DIRECTORY --appends N --threads T
    """;

if (args.Length < 2)
{
    Console.Error.WriteLine(Usage);
    return 1;
}

var output = args[1];
long? count = null;
long? bytes = null;
string? ndjson = null;
var seed = 1;
var threads = 1;
for (var i = 2; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--points" or "--entries" or "--messages" or "--appends":
            count = long.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--bytes":
            bytes = ParseSize(args[i + 1]);
            break;
        case "--seed":
            seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--threads":
            threads = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--ndjson":
            ndjson = args[i + 1];
            break;
        default:
            Console.Error.WriteLine($"Unknown option '{args[i]}'.\n{Usage}");
            return 1;
    }
}

switch (args[0])
{
    case "records-json":
    {
        if (count is null == bytes is null)
        {
            Console.Error.WriteLine("Give exactly one of --points and --bytes.");
            return 1;
        }

        await using var file = Create(output);
        var written = new RecordsJsonGenerator(seed).Write(file, count ?? long.MaxValue, bytes ?? long.MaxValue);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{output}: {written:N0} points, {file.Length:N0} bytes, seed {seed}"));
        return 0;
    }

    case "my-activity" or "mbox":
    {
        if (count is null)
        {
            Console.Error.WriteLine("Give the number of entries or messages.");
            return 1;
        }

        await using var file = Create(output);
        var written = args[0] == "mbox"
            ? new MboxGenerator(seed).Write(file, count.Value)
            : new MyActivityJsonGenerator(seed).Write(file, count.Value);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{output}: {written:N0} items, {file.Length:N0} bytes, seed {seed}"));
        return 0;
    }

    case "scan":
    {
        var stopwatch = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        await using var input = new FileStream(output, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        await using var lines = ndjson is null ? null : Create(ndjson);
        var items = BareScan.Run(input, lines);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"scanned {items} points, {input.Length} bytes in {seconds:0.000} s wall, {cpuSeconds:0.000} s CPU"));
        return 0;
    }

    case "audit-append":
        return AuditAppendBench.Run(output, (int)(count ?? 10_000), threads);

    default:
        Console.Error.WriteLine(Usage);
        return 1;
}

static FileStream Create(string path) => new(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);

static long ParseSize(string text)
{
    var multiplier = char.ToUpperInvariant(text[^1]) switch
    {
        'K' => 1L << 10,
        'M' => 1L << 20,
        'G' => 1L << 30,
        _ => 1L,
    };
    var digits = multiplier == 1 ? text : text[..^1];
    return long.Parse(digits, CultureInfo.InvariantCulture) * multiplier;
}
