using Google.Protobuf;

namespace LocalKube.Node.Storage.Mvcc;

/// <summary>
/// A key interval in etcd's terms: an empty end means the single key; an end of "\0" means every key from
/// <see cref="Key"/> on; otherwise the half-open interval [key, end).
/// </summary>
internal readonly record struct KeyRange(ByteString Key, ByteString End)
{
    public bool IsSingleKey => End.IsEmpty;

    public bool IsUnbounded => End.Length == 1 && End[0] == 0;

    public bool Contains(ByteString key)
    {
        if (IsSingleKey)
        {
            return key.Span.SequenceEqual(Key.Span);
        }

        if (key.Span.SequenceCompareTo(Key.Span) < 0)
        {
            return false;
        }

        return IsUnbounded || key.Span.SequenceCompareTo(End.Span) < 0;
    }

    /// <summary>True when this interval and <paramref name="other"/> share at least one key.</summary>
    public bool Overlaps(KeyRange other)
    {
        if (IsSingleKey)
        {
            return other.Contains(Key);
        }

        if (other.IsSingleKey)
        {
            return Contains(other.Key);
        }

        // Two intervals [a, b) and [c, d) overlap when a < d and c < b (an unbounded end is +infinity).
        var aBeforeD = other.IsUnbounded || Key.Span.SequenceCompareTo(other.End.Span) < 0;
        var cBeforeB = IsUnbounded || other.Key.Span.SequenceCompareTo(End.Span) < 0;
        return aBeforeD && cBeforeB;
    }
}
