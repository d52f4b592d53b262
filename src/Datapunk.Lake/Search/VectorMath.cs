using System.Numerics;

namespace Datapunk.Lake.Search;

/// <summary>Vector arithmetic for embeddings.</summary>
public static class VectorMath
{
    /// <summary>Returns the dot product, which is the cosine similarity when both vectors are normalised.</summary>
    /// <exception cref="ArgumentException">The vectors differ in length (embeddings from another model).</exception>
    public static float Dot(ReadOnlySpan<float> left, ReadOnlySpan<float> right)
    {
        if (left.Length != right.Length)
        {
            throw new ArgumentException($"The vectors have {left.Length} and {right.Length} dimensions; both must come from the same model.", nameof(right));
        }

        var sum = Vector<float>.Zero;
        var i = 0;
        for (; i <= left.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            sum += new Vector<float>(left[i..]) * new Vector<float>(right[i..]);
        }

        var result = Vector.Sum(sum);
        for (; i < left.Length; i++)
        {
            result += left[i] * right[i];
        }

        return result;
    }
}
