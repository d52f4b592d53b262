using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Datapunk.Lake.Search;

/// <summary>
/// An in-memory copy of embedding vectors, each quantised to signed 8-bit integers with its own scale, in one
/// contiguous array, with the start time, kind and dataset of its record so that filters run without SQLite.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="FindCandidates"/> does not rank by the quantised scores. It returns a candidate set that is
/// guaranteed to contain every vector whose exact float32 similarity (<see cref="VectorMath.Dot"/>) is among the
/// best <c>count</c>, including every vector tied with the last of them. The caller reranks the candidates with the
/// stored float32 vectors, so the final order is the same as an exact scan. The guarantee comes from an error
/// bound per vector: a vector is a candidate when its score plus its bound reaches the <c>count</c>-th best score
/// minus bound (see <see cref="BoundWeights"/>).
/// </para>
/// <para>
/// Memory: 384 bytes of quantised values and 40 bytes of key, scale, bound terms and record fields per 384-dimensional
/// vector, plus about 28 bytes in the key-to-slot dictionary: about 45 MB per 100,000 vectors. Removing a vector
/// overwrites its slot with the last vector and zeroes the freed bytes, and the arrays shrink when a quarter or less
/// of them is used.
/// </para>
/// <para>Not thread-safe: the owner serialises writes and lets searches run only between them.</para>
/// </remarks>
public sealed class QuantizedVectorIndex
{
    private const int MinimumCapacity = 64;

    private readonly Dictionary<long, int> _slots = [];
    private readonly Dictionary<string, int> _kindIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _datasetIds = new(StringComparer.Ordinal);

    private sbyte[] _values = [];
    private long[] _keys = [];
    private float[] _scales = [];
    private float[] _errors = [];
    private int[] _absoluteSums = [];
    private float[] _norms = [];
    private long[] _startMs = [];
    private int[] _kinds = [];
    private int[] _datasets = [];
    private int _count;
    private readonly int _maxCapacity;

    /// <param name="dimensions">The length of every vector, such as 384 for all-MiniLM-L6-v2.</param>
    /// <param name="maxCapacity">The maximum number of slots, so that growth by doubling stops at the owner's limit.</param>
    public QuantizedVectorIndex(int dimensions, int maxCapacity = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCapacity, 1);
        Dimensions = dimensions;
        _maxCapacity = maxCapacity;
    }

    public int Dimensions { get; }

    public int Count => _count;

    /// <summary>Bytes of the arrays at their current capacity, without the dictionaries.</summary>
    public long AllocatedBytes => (long)_keys.Length * (Dimensions + sizeof(long) * 2 + sizeof(float) * 3 + sizeof(int) * 3);

    public bool Contains(long key) => _slots.ContainsKey(key);

    /// <summary>Makes room for <paramref name="capacity"/> vectors, so that a full load allocates once.</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity > _keys.Length)
        {
            Resize(capacity);
        }
    }

    /// <summary>
    /// Shrinks the arrays to the vectors held plus an eighth for growth, after a load that grew them by doubling.
    /// </summary>
    public void TrimExcess()
    {
        var capacity = Math.Max(MinimumCapacity, _count + _count / 8);
        if (capacity < _keys.Length)
        {
            Resize(capacity);
        }
    }

    /// <summary>Adds a vector, or replaces the vector and record fields stored under the same key.</summary>
    /// <exception cref="ArgumentException">The vector's length is not <see cref="Dimensions"/>.</exception>
    public void Upsert(long key, ReadOnlySpan<float> vector, long startMs, string kind, string dataset)
    {
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"Invalid vector length {vector.Length}: this index stores vectors of {Dimensions} dimensions, so embed with the same model.", nameof(vector));
        }

        if (!_slots.TryGetValue(key, out var slot))
        {
            if (_count == _keys.Length)
            {
                if (_count >= _maxCapacity)
                {
                    throw new InvalidOperationException($"The vector index is full: it already contains the maximum of {_maxCapacity} vectors.");
                }

                Resize((int)Math.Min(_maxCapacity, Math.Max(MinimumCapacity, _keys.Length * 2L)));
            }

            slot = _count++;
            _slots[key] = slot;
        }

        _keys[slot] = key;
        _startMs[slot] = startMs;
        _kinds[slot] = Intern(_kindIds, kind);
        _datasets[slot] = Intern(_datasetIds, dataset);
        Quantize(vector, _values.AsSpan(slot * Dimensions, Dimensions), out _scales[slot], out _errors[slot], out _absoluteSums[slot], out _norms[slot]);
    }

    /// <summary>Removes a vector and zeroes the memory it used; returns false when the key is not stored.</summary>
    public bool Remove(long key)
    {
        if (!_slots.Remove(key, out var slot))
        {
            return false;
        }

        var last = _count - 1;
        if (slot != last)
        {
            _values.AsSpan(last * Dimensions, Dimensions).CopyTo(_values.AsSpan(slot * Dimensions, Dimensions));
            _keys[slot] = _keys[last];
            _scales[slot] = _scales[last];
            _errors[slot] = _errors[last];
            _absoluteSums[slot] = _absoluteSums[last];
            _norms[slot] = _norms[last];
            _startMs[slot] = _startMs[last];
            _kinds[slot] = _kinds[last];
            _datasets[slot] = _datasets[last];
            _slots[_keys[slot]] = slot;
        }

        _values.AsSpan(last * Dimensions, Dimensions).Clear();
        _keys[last] = 0;
        _scales[last] = 0;
        _errors[last] = 0;
        _absoluteSums[last] = 0;
        _norms[last] = 0;
        _startMs[last] = 0;
        _count = last;

        if (_keys.Length > MinimumCapacity && _count <= _keys.Length / 4)
        {
            Resize(Math.Max(MinimumCapacity, _count * 2));
        }

        return true;
    }

    /// <summary>Removes every vector, zeroes the arrays and releases them.</summary>
    public void Clear()
    {
        _slots.Clear();
        Resize(0);
        _count = 0;
    }

    /// <summary>
    /// Returns the keys of the vectors that may be among the <paramref name="count"/> most similar to
    /// <paramref name="query"/> within <paramref name="filter"/>: a superset of the exact top <paramref name="count"/>
    /// and of every vector tied with the last of them. Every vector inside the filter is returned when fewer than
    /// <paramref name="count"/> are.
    /// </summary>
    /// <exception cref="ArgumentException">The query's length is not <see cref="Dimensions"/>.</exception>
    public List<long> FindCandidates(ReadOnlySpan<float> query, VectorFilter filter, int count, CancellationToken cancellationToken)
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"Invalid query length {query.Length}: this index stores vectors of {Dimensions} dimensions, so embed the query with the same model.", nameof(query));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var kinds = filter.AllowedKinds(_kindIds);
        var datasets = filter.AllowedDatasets(_datasetIds);

        var quantizedQuery = new short[Dimensions];
        QuantizeQuery(query, quantizedQuery, out var queryScale, out var queryError, out var queryAbsoluteSum, out var queryNorm);
        var (scaleWeight, errorWeight, normWeight) = BoundWeights(queryScale, queryError, queryAbsoluteSum, queryNorm, Dimensions);
        var everyVector = filter.IsTimeUnbounded && kinds is null && datasets is null;

        // A min-heap of the best lower bounds seen so far: its root is the threshold a vector's upper bound must reach.
        var lowerBounds = new PriorityQueue<double, double>(count + 1);
        var candidates = new List<(int Slot, double Upper)>();
        var threshold = double.NegativeInfinity;
        for (var slot = 0; slot < _count; slot++)
        {
            if ((slot & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (!everyVector && (!filter.Allows(_startMs[slot]) || kinds is not null && !kinds[_kinds[slot]] || datasets is not null && !datasets[_datasets[slot]]))
            {
                continue;
            }

            var vectorScale = (double)_scales[slot];
            var score = vectorScale * queryScale * DotInt8(_values.AsSpan(slot * Dimensions, Dimensions), quantizedQuery);
            var bound = (vectorScale * _absoluteSums[slot] * scaleWeight + _errors[slot] * errorWeight + _norms[slot] * normWeight) * 1.01 + 1e-12;
            var lower = score - bound;
            var upper = score + bound;

            if (lowerBounds.Count < count)
            {
                lowerBounds.Enqueue(lower, lower);
                threshold = lowerBounds.Count == count ? lowerBounds.Peek() : double.NegativeInfinity;
            }
            else if (lower > threshold)
            {
                lowerBounds.EnqueueDequeue(lower, lower);
                threshold = lowerBounds.Peek();
            }

            if (upper >= threshold)
            {
                candidates.Add((slot, upper));
            }
        }

        var keys = new List<long>();
        foreach (var (slot, upper) in candidates)
        {
            if (upper >= threshold)
            {
                keys.Add(_keys[slot]);
            }
        }

        return keys;
    }

    /// <summary>
    /// Returns the weights w_s, w_e and w_n of the per-vector error bound s_v Σ|q_j| w_s + E_v w_e + ‖v‖ w_n: how far
    /// the quantised score s_v s_x Σ q_j r_j can be from the float32 dot product that <see cref="VectorMath.Dot"/>
    /// computes for the original vectors. The caller adds a margin of 1% and a tiny constant for the rounding of the
    /// bound itself.
    /// </summary>
    /// <remarks>
    /// With v = s_v q + e (|e_j| ≤ E_v, about s_v / 2) and x = s_x r + f (|f_j| ≤ E_x), the exact product differs
    /// from s_v s_x Σ q r by at most s_v E_x Σ|q_j| + E_v (s_x Σ|r_j| + n E_x). The integer sum is exact. The float32
    /// product that the reranking computes differs from the exact one by at most γ_n ‖v‖ ‖x‖ with γ_n = n u / (1 − n u)
    /// and u = 2^-24 for any order of summation (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.,
    /// section 3.1).
    /// </remarks>
    internal static (double Scale, double Error, double Norm) BoundWeights(double queryScale, double queryError, int queryAbsoluteSum, double queryNorm, int dimensions)
    {
        var unitRoundoff = Math.ScaleB(1.0, -24);
        var gamma = dimensions * unitRoundoff / (1 - dimensions * unitRoundoff);
        return (queryError, queryScale * queryAbsoluteSum + dimensions * queryError, gamma * queryNorm);
    }

    private static void Quantize(ReadOnlySpan<float> vector, Span<sbyte> values, out float scale, out float error, out int absoluteSum, out float norm)
    {
        var maximum = 0f;
        var squares = 0.0;
        foreach (var value in vector)
        {
            maximum = MathF.Max(maximum, MathF.Abs(value));
            squares += (double)value * value;
        }

        // NaN or infinite components cannot be bounded. An infinite norm makes the bound infinite, so such a vector
        // is always a candidate and the exact reranking decides.
        norm = (float)Math.Sqrt(squares);
        if (!float.IsFinite(maximum) || !float.IsFinite(norm))
        {
            values.Clear();
            (scale, error, absoluteSum, norm) = (0, 0, 0, float.PositiveInfinity);
            return;
        }

        // Rounded up, so that the bound stays an upper bound.
        norm = MathF.BitIncrement(norm);
        scale = maximum / 127f;
        absoluteSum = 0;
        var largestError = 0.0;
        for (var j = 0; j < vector.Length; j++)
        {
            var quantized = scale == 0 ? 0 : (int)Math.Clamp(MathF.Round(vector[j] / scale), -127, 127);
            values[j] = (sbyte)quantized;
            absoluteSum += Math.Abs(quantized);
            largestError = Math.Max(largestError, Math.Abs(vector[j] - (double)scale * quantized));
        }

        // About scale / 2; measured rather than assumed, because rounding in vector[j] / scale can exceed it slightly.
        error = MathF.BitIncrement((float)largestError);
    }

    private static void QuantizeQuery(ReadOnlySpan<float> query, Span<short> values, out double scale, out double error, out int absoluteSum, out double norm)
    {
        var maximum = 0.0;
        var squares = 0.0;
        foreach (var value in query)
        {
            maximum = Math.Max(maximum, Math.Abs(value));
            squares += (double)value * value;
        }

        norm = Math.Sqrt(squares) * (1 + 1e-12);
        if (!double.IsFinite(maximum) || !double.IsFinite(norm))
        {
            // Nothing can be bounded: every vector becomes a candidate.
            values.Clear();
            (scale, error, absoluteSum, norm) = (0, 0, 0, double.PositiveInfinity);
            return;
        }

        // Up to 32,767 levels keep the query's share of the error small. Fewer are used for long vectors, so that
        // the sum of n products of at most 127 × levels always fits an int.
        var levels = Math.Min(short.MaxValue, int.MaxValue / (127 * query.Length));
        scale = maximum / levels;
        absoluteSum = 0;
        error = 0;
        for (var j = 0; j < query.Length; j++)
        {
            var quantized = scale == 0 ? 0 : (int)Math.Clamp(Math.Round(query[j] / scale), -levels, levels);
            values[j] = (short)quantized;
            absoluteSum += Math.Abs(quantized);
            error = Math.Max(error, Math.Abs(query[j] - scale * quantized));
        }

        error *= 1 + 1e-12;
    }

    /// <summary>Returns Σ left_j × right_j in exact integer arithmetic (AVX-512 or AVX2 when the CPU has it).</summary>
    internal static int DotInt8(ReadOnlySpan<sbyte> left, ReadOnlySpan<short> right)
    {
        var sum = 0;
        var j = 0;
        if (Avx512BW.IsSupported && left.Length >= 32)
        {
            ref var leftStart = ref MemoryMarshal.GetReference(left);
            ref var rightStart = ref MemoryMarshal.GetReference(right);
            var accumulator = Vector512<int>.Zero;
            for (; j <= left.Length - 32; j += 32)
            {
                var widened = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref leftStart, (nuint)j));
                var other = Vector512.LoadUnsafe(ref rightStart, (nuint)j);
                accumulator = Avx512F.Add(accumulator, Avx512BW.MultiplyAddAdjacent(widened, other));
            }

            sum = Vector512.Sum(accumulator);
        }
        else if (Avx2.IsSupported && left.Length >= 16)
        {
            ref var leftStart = ref MemoryMarshal.GetReference(left);
            ref var rightStart = ref MemoryMarshal.GetReference(right);
            var accumulator = Vector256<int>.Zero;
            for (; j <= left.Length - 16; j += 16)
            {
                var widened = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref leftStart, (nuint)j));
                var other = Vector256.LoadUnsafe(ref rightStart, (nuint)j);
                accumulator = Avx2.Add(accumulator, Avx2.MultiplyAddAdjacent(widened, other));
            }

            sum = Vector256.Sum(accumulator);
        }

        for (; j < left.Length; j++)
        {
            sum += left[j] * right[j];
        }

        return sum;
    }

    private void Resize(int capacity)
    {
        _values = Moved(_values, capacity * Dimensions, _count * Dimensions);
        _keys = Moved(_keys, capacity, _count);
        _scales = Moved(_scales, capacity, _count);
        _errors = Moved(_errors, capacity, _count);
        _absoluteSums = Moved(_absoluteSums, capacity, _count);
        _norms = Moved(_norms, capacity, _count);
        _startMs = Moved(_startMs, capacity, _count);
        _kinds = Moved(_kinds, capacity, _count);
        _datasets = Moved(_datasets, capacity, _count);
    }

    /// <summary>
    /// Copies the used part of an array into a new one and zeroes the old one, so that the values of removed
    /// records do not stay in memory until the garbage collector reuses it.
    /// </summary>
    private static T[] Moved<T>(T[] old, int capacity, int used)
    {
        var resized = capacity == 0 ? [] : new T[capacity];
        old.AsSpan(0, Math.Min(used, capacity)).CopyTo(resized);
        Array.Clear(old);
        return resized;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Intern(Dictionary<string, int> ids, string name)
    {
        if (!ids.TryGetValue(name, out var id))
        {
            id = ids.Count;
            ids[name] = id;
        }

        return id;
    }
}
