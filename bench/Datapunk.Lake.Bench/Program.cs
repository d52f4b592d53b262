using System.Globalization;
using Datapunk.Lake.Bench;

// Usage: Datapunk.Lake.Bench records-json OUTPUT (--points N | --bytes SIZE) [--seed S]
// SIZE takes a K, M or G suffix (powers of 1024).
if (args.Length < 3 || args[0] != "records-json")
{
    Console.Error.WriteLine("Usage: Datapunk.Lake.Bench records-json OUTPUT (--points N | --bytes SIZE[K|M|G]) [--seed S]");
    return 1;
}

var output = args[1];
long? points = null;
long? bytes = null;
var seed = 1;
for (var i = 2; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--points":
            points = long.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--bytes":
            bytes = ParseSize(args[i + 1]);
            break;
        case "--seed":
            seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine($"Unknown option '{args[i]}'.");
            return 1;
    }
}

if (points is null == bytes is null)
{
    Console.Error.WriteLine("Give exactly one of --points and --bytes.");
    return 1;
}

await using var file = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
var written = new RecordsJsonGenerator(seed).Write(file, points ?? long.MaxValue, bytes ?? long.MaxValue);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{output}: {written:N0} points, {file.Length:N0} bytes, seed {seed}"));
return 0;

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
