using Google.Protobuf;

namespace LocalKube.Node.Storage.Mvcc;

/// <summary>Orders keys as etcd does: unsigned bytewise, shorter prefix first.</summary>
internal sealed class ByteStringComparer : IComparer<ByteString>
{
    public static readonly ByteStringComparer Instance = new();

    public int Compare(ByteString? x, ByteString? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        return x is null ? -1 : y is null ? 1 : x.Span.SequenceCompareTo(y.Span);
    }
}
