using Google.Protobuf;
using Grpc.Core;
using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Storage;
using LocalKube.Node.Storage;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// The generic registry over <see cref="IKeyValueStore"/>: create, get, list, update, delete and watch of any
/// registered kind, with upstream's metadata rules, optimistic concurrency, namespace checks and deletion semantics.
/// The HTTP handlers and the agent's controllers (namespace lifecycle, bootstrap) all go through it.
/// </summary>
public sealed partial class ResourceStore
{
    /// <summary>Largest stored object, as etcd's default request limit (1.5 MiB).</summary>
    public const int MaxObjectBytes = 1572864;

    private readonly StoreAccessor _accessor;
    private readonly TimeProvider _time;

    /// <summary>Creates the registry.</summary>
    public ResourceStore(StoreAccessor accessor, RestResources resources, TimeProvider time)
    {
        _accessor = accessor ?? throw new ArgumentNullException(nameof(accessor));
        Resources = resources ?? throw new ArgumentNullException(nameof(resources));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>The served resources.</summary>
    public RestResources Resources { get; }

    private IKeyValueStore Store => _accessor.Store;

    /// <summary>A warning for every API response about how storage is exposed, or null (see <see cref="StoreAccessor.ExposureWarning"/>).</summary>
    public string? StorageWarning => _accessor.ExposureWarning;

    /// <summary>Reads one object (with its resourceVersion set).</summary>
    /// <exception cref="StatusException">404 when it does not exist.</exception>
    public async Task<StoredObject> GetAsync(RestResource resource, string? ns, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return await TryGetAsync(resource, ns, name, cancellationToken) ?? throw StatusException.NotFound(resource.Group, resource.Plural, name);
    }

    /// <summary>Reads one object, or null when it does not exist.</summary>
    public async Task<StoredObject?> TryGetAsync(RestResource resource, string? ns, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var response = await Call(() => Store.RangeAsync(new RangeRequest { Key = Bytes(resource.Key(ns, name)) }, cancellationToken));
        return response.Kvs.Count == 0 ? null : Decode(resource, response.Kvs[0]);
    }

    /// <summary>The store's current revision.</summary>
    public async Task<long> CurrentRevisionAsync(CancellationToken cancellationToken)
    {
        // A range over a key that never exists costs nothing and carries the header revision.
        var response = await Call(() => Store.RangeAsync(new RangeRequest { Key = Bytes("/registry/\0revision"), CountOnly = true }, cancellationToken));
        return response.Header.Revision;
    }

    /// <summary>
    /// A stored key-value as a <see cref="StoredObject"/>; the typed object is decoded on first use only (JSON lists,
    /// gets and watches copy the stored bytes and never need it).
    /// </summary>
    internal static StoredObject Decode(RestResource resource, KeyValue kv) =>
        resource.Strategy is Catalog.IStorageConverter converter
            ? StorageConversion.Decode(converter, kv)
            : new(resource, kv.Value.Memory, kv.ModRevision);

    /// <summary>Decodes stored JSON into a typed object with its resourceVersion.</summary>
    internal static IKubernetesObject<V1ObjectMeta> Materialize(RestResource resource, ReadOnlyMemory<byte> raw, long modRevision)
    {
        var obj = ObjectCodec.ToObject(raw.Span, resource.Strategy.ModelType);
        obj.Metadata ??= new V1ObjectMeta();
        obj.Metadata.ResourceVersion = modRevision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return obj;
    }

    /// <summary>The UTF-8 bytes of a key.</summary>
    internal static ByteString Bytes(string key) => ByteString.CopyFromUtf8(key);

    /// <summary>The end of the key range that starts with <paramref name="prefix"/>.</summary>
    internal static ByteString RangeEnd(string prefix)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(prefix);
        bytes[^1]++;
        return ByteString.CopyFrom(bytes);
    }

    /// <summary>Serializes an object of <paramref name="resource"/> in its storage shape (see <see cref="StorageConversion"/>).</summary>
    internal static byte[] Encode(RestResource resource, IKubernetesObject<V1ObjectMeta> obj) =>
        resource.Strategy is Catalog.IStorageConverter converter ? StorageConversion.Encode(converter, obj) : Encode(obj);

    /// <summary>Serializes an object for storage (without resourceVersion), enforcing the size limit.</summary>
    internal static byte[] Encode(IKubernetesObject<V1ObjectMeta> obj)
    {
        var rv = obj.Metadata.ResourceVersion;
        obj.Metadata.ResourceVersion = null;
        try
        {
            var bytes = ObjectCodec.ToBytes(obj);
            if (bytes.Length > MaxObjectBytes)
            {
                // etcd refuses values over its request limit; upstream passes that on (kubernetes#112152), we say why.
                throw StatusException.TooLarge($"etcdserver: request is too large: the object is {bytes.Length} bytes, storage accepts at most {MaxObjectBytes}");
            }

            return bytes;
        }
        finally
        {
            obj.Metadata.ResourceVersion = rv;
        }
    }

    /// <summary>Runs a store call, mapping store failures to Status errors.</summary>
    internal static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.OutOfRange && e.Status.Detail.Contains("compacted", StringComparison.Ordinal))
        {
            throw new CompactedException(e.Status.Detail);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument && e.Status.Detail.Contains("too large", StringComparison.Ordinal))
        {
            throw StatusException.TooLarge(e.Status.Detail);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.ResourceExhausted or StatusCode.DeadlineExceeded)
        {
            throw StatusException.Internal(e.Status.Detail);
        }
    }

    private DateTime Now()
    {
        // Upstream timestamps have whole seconds.
        var now = _time.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }
}

/// <summary>A stored object: typed (resourceVersion set), its stored JSON (without resourceVersion) and mod revision.</summary>
public sealed record StoredObject
{
    private readonly RestResource? _resource;
    private IKubernetesObject<V1ObjectMeta>? _object;
    private ReadOnlyMemory<byte>? _stored;

    /// <summary>A stored object whose typed form is already at hand.</summary>
    /// <param name="object">The typed object.</param>
    /// <param name="raw">The stored JSON.</param>
    /// <param name="modRevision">The key's mod revision (its resourceVersion).</param>
    public StoredObject(IKubernetesObject<V1ObjectMeta> @object, ReadOnlyMemory<byte> raw, long modRevision)
    {
        _object = @object ?? throw new ArgumentNullException(nameof(@object));
        Raw = raw;
        ModRevision = modRevision;
    }

    // Decoded from raw on first use of Object, with ModRevision as its resourceVersion.
    internal StoredObject(RestResource resource, ReadOnlyMemory<byte> raw, long modRevision)
    {
        _resource = resource;
        Raw = raw;
        ModRevision = modRevision;
    }

    /// <summary>The typed object (resourceVersion set); decoded from <see cref="Raw"/> on first use.</summary>
    public IKubernetesObject<V1ObjectMeta> Object
    {
        get
        {
            if (_object is { } obj)
            {
                return obj;
            }

            var decoded = ResourceStore.Materialize(_resource!, Raw, ModRevision);
            return Interlocked.CompareExchange(ref _object, decoded, null) ?? decoded;
        }
    }

    /// <summary>The served JSON (without resourceVersion): the stored value unless the kind is converted.</summary>
    public ReadOnlyMemory<byte> Raw { get; init; }

    /// <summary>Whether <see cref="Object"/> is already decoded.</summary>
    internal bool IsDecoded => _object is not null;

    /// <summary>The key's mod revision (its resourceVersion).</summary>
    public long ModRevision { get; init; }

    /// <summary>The labels, read from the stored JSON alone while the object is not decoded (selector matching).</summary>
    public IDictionary<string, string>? Labels => _object is { } obj ? obj.Metadata?.Labels : ObjectCodec.ReadLabels(Raw.Span);

    /// <summary>The value as stored: <see cref="Raw"/>, unless the resource is served in another shape than it is stored.</summary>
    public ReadOnlyMemory<byte> Stored
    {
        get => _stored ?? Raw;
        init => _stored = value;
    }
}

/// <summary>A read at a compacted revision.</summary>
internal sealed class CompactedException(string message) : Exception(message);
