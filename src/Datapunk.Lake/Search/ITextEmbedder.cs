namespace Datapunk.Lake.Search;

/// <summary>Turns texts into normalised sentence embeddings on this machine.</summary>
public interface ITextEmbedder
{
    /// <summary>A name that identifies the model and its version; stored beside each vector.</summary>
    string Model { get; }

    int Dimensions { get; }

    /// <summary>Returns one unit-length vector per text, in the same order.</summary>
    float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}
