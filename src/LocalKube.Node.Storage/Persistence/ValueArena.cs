using Google.Protobuf;

namespace LocalKube.Node.Storage.Persistence;

/// <summary>
/// Hands out keys and values read at startup as slices of 1 MiB arrays. Loading 100k values as 100k small arrays
/// makes the GC copy each of them from generation to generation; slices of large arrays (which the GC never moves)
/// load faster and carry no per-array header. The cost: an array lives while any slice of it does, which is fine for
/// data that mostly stays put, like a cluster's objects.
/// </summary>
internal sealed class ValueArena
{
    private const int ChunkSize = 1 << 20;
    private const int OwnArrayFrom = 64 * 1024;
    private byte[] _chunk = [];
    private int _used;

    public ByteString Copy(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return ByteString.Empty;
        }

        if (data.Length >= OwnArrayFrom)
        {
            return ByteString.CopyFrom(data);
        }

        if (_chunk.Length - _used < data.Length)
        {
            _chunk = GC.AllocateUninitializedArray<byte>(ChunkSize);
            _used = 0;
        }

        var slice = _chunk.AsMemory(_used, data.Length);
        data.CopyTo(slice.Span);
        _used += data.Length;
        return UnsafeByteOperations.UnsafeWrap(slice);
    }
}
