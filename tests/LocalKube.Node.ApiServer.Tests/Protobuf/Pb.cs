using Google.Protobuf;

namespace LocalKube.Node.ApiServer.Tests.Protobuf;

/// <summary>
/// Builds protobuf payloads by hand with <see cref="CodedOutputStream"/>, the way upstream's generated marshallers
/// lay them out (every non-pointer scalar written, zero or not; lists as repeated fields; maps as entries).
/// </summary>
internal sealed class Pb
{
    private readonly MemoryStream _stream = new();
    private readonly CodedOutputStream _out;

    public Pb()
    {
        _out = new CodedOutputStream(_stream, leaveOpen: true);
    }

    public Pb Str(int field, string value)
    {
        _out.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _out.WriteString(value);
        return this;
    }

    public Pb Strs(int field, params string[] values)
    {
        foreach (var value in values)
        {
            Str(field, value);
        }

        return this;
    }

    public Pb Bytes(int field, byte[] value)
    {
        _out.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _out.WriteBytes(ByteString.CopyFrom(value));
        return this;
    }

    public Pb Msg(int field, Pb value) => Bytes(field, value.ToArray());

    public Pb Int(int field, long value)
    {
        _out.WriteTag(field, WireFormat.WireType.Varint);
        _out.WriteInt64(value);
        return this;
    }

    public Pb Bool(int field, bool value)
    {
        _out.WriteTag(field, WireFormat.WireType.Varint);
        _out.WriteBool(value);
        return this;
    }

    /// <summary>A map entry {1: key, 2: value}.</summary>
    public Pb Map(int field, string key, string value) => Msg(field, new Pb().Str(1, key).Str(2, value));

    public Pb Map(int field, string key, Pb value) => Msg(field, new Pb().Str(1, key).Msg(2, value));

    public Pb MapBytes(int field, string key, byte[] value) => Msg(field, new Pb().Str(1, key).Bytes(2, value));

    public byte[] ToArray()
    {
        _out.Flush();
        return _stream.ToArray();
    }

    /// <summary>The <c>k8s\0</c> magic and a runtime.Unknown around <paramref name="raw"/>.</summary>
    public static byte[] Envelope(string apiVersion, string kind, Pb raw) =>
        [.. "k8s\0"u8, .. new Pb().Msg(1, new Pb().Str(1, apiVersion).Str(2, kind)).Bytes(2, raw.ToArray()).Str(3, "").Str(4, "").ToArray()];

    /// <summary>ObjectMeta as upstream marshals a fresh one: every string written, creationTimestamp an empty Time.</summary>
    public static Pb Meta(string name, string ns = "", params (string Key, string Value)[] labels)
    {
        var meta = new Pb().Str(1, name).Str(2, "").Str(3, ns).Str(4, "").Str(5, "").Str(6, "").Int(7, 0).Msg(8, new Pb());
        foreach (var (key, value) in labels)
        {
            meta.Map(11, key, value);
        }

        return meta;
    }

    /// <summary>resource.Quantity {1: string}.</summary>
    public static Pb Quantity(string value) => new Pb().Str(1, value);

    /// <summary>intstr.IntOrString {1: type, 2: intVal, 3: strVal}.</summary>
    public static Pb IntOrString(int value) => new Pb().Int(1, 0).Int(2, value).Str(3, "");

    public static Pb IntOrString(string value) => new Pb().Int(1, 1).Int(2, 0).Str(3, value);
}
