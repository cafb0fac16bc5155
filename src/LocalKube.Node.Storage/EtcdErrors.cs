using Grpc.Core;

namespace LocalKube.Node.Storage;

/// <summary>
/// The errors etcd 3.4 returns, with its gRPC status codes and exact messages. Both backends throw
/// <see cref="RpcException"/> so callers handle the embedded store and a real etcd cluster the same way.
/// </summary>
public static class EtcdErrors
{
    /// <summary>The largest lease TTL etcd accepts (seconds).</summary>
    public const long MaxLeaseTtl = 9_000_000_000;

    /// <summary>The most operations one txn may hold (etcd's default --max-txn-ops).</summary>
    public const int MaxTxnOps = 128;

    public static RpcException EmptyKey() => Error(StatusCode.InvalidArgument, "etcdserver: key is not provided");

    public static RpcException KeyNotFound() => Error(StatusCode.InvalidArgument, "etcdserver: key not found");

    public static RpcException ValueProvided() => Error(StatusCode.InvalidArgument, "etcdserver: value is provided");

    public static RpcException LeaseProvided() => Error(StatusCode.InvalidArgument, "etcdserver: lease is provided");

    public static RpcException TooManyOps() => Error(StatusCode.InvalidArgument, "etcdserver: too many operations in txn request");

    public static RpcException DuplicateKey() => Error(StatusCode.InvalidArgument, "etcdserver: duplicate key given in txn request");

    public static RpcException RequestTooLarge() => Error(StatusCode.InvalidArgument, "etcdserver: request is too large");

    public static RpcException Compacted() => Error(StatusCode.OutOfRange, "etcdserver: mvcc: required revision has been compacted");

    public static RpcException FutureRevision() => Error(StatusCode.OutOfRange, "etcdserver: mvcc: required revision is a future revision");

    public static RpcException NoSpace() => Error(StatusCode.ResourceExhausted, "etcdserver: mvcc: database space exceeded");

    public static RpcException LeaseNotFound() => Error(StatusCode.NotFound, "etcdserver: requested lease not found");

    public static RpcException LeaseExists() => Error(StatusCode.FailedPrecondition, "etcdserver: lease already exists");

    public static RpcException LeaseTtlTooLarge() => Error(StatusCode.OutOfRange, "etcdserver: too large lease TTL");

    /// <summary>
    /// The store cannot make a write durable (disk full, read-only folder, I/O error). etcd panics in that case;
    /// we fail the write and keep serving reads instead, so the message is ours.
    /// </summary>
    public static RpcException StorageUnavailable(string detail) =>
        Error(StatusCode.Unavailable, $"localkube: storage: write not durable: {detail}");

    /// <summary>The store was stopped while the call was in flight.</summary>
    public static RpcException Stopped() => Error(StatusCode.Unavailable, "etcdserver: server stopped");

    private static RpcException Error(StatusCode code, string message) => new(new Status(code, message), message);
}
