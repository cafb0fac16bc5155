using LocalKube.Node.ApiServer.Rest;
using Google.Protobuf;
using k8s.Models;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// Decodes the few protobuf bodies kubectl's typed clients POST here (<c>auth can-i</c>, <c>auth can-i --list</c>,
/// <c>auth whoami</c>, <c>create token</c>): the <c>k8s\0</c> magic, a runtime.Unknown envelope (2 = raw), then the
/// message. Field numbers from k8s.io/api generated.proto; only the fields these endpoints read. ObjectMeta is skipped.
/// </summary>
public static class ReviewProtobuf
{
    /// <summary>The protobuf media type.</summary>
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static readonly byte[] Magic = [0x6b, 0x38, 0x73, 0x00];

    /// <summary>authorization/v1 SelfSubjectAccessReview: spec (2) → resourceAttributes (1) | nonResourceAttributes (2).</summary>
    public static V1SelfSubjectAccessReview SelfSubjectAccessReview(ReadOnlySpan<byte> body)
    {
        var review = new V1SelfSubjectAccessReview { Metadata = new V1ObjectMeta(), Spec = new V1SelfSubjectAccessReviewSpec() };
        Fields(Raw(body), (n, r) =>
        {
            if (n != 2)
            {
                return false;
            }

            Fields(r.ReadBytes().Span, (sn, sr) =>
            {
                if (sn == 1)
                {
                    var a = review.Spec.ResourceAttributes = new V1ResourceAttributes();
                    Fields(sr.ReadBytes().Span, (an, ar) =>
                    {
                        switch (an)
                        {
                            case 1: a.NamespaceProperty = ar.ReadString(); return true;
                            case 2: a.Verb = ar.ReadString(); return true;
                            case 3: a.Group = ar.ReadString(); return true;
                            case 4: a.Version = ar.ReadString(); return true;
                            case 5: a.Resource = ar.ReadString(); return true;
                            case 6: a.Subresource = ar.ReadString(); return true;
                            case 7: a.Name = ar.ReadString(); return true;
                            default: return false;
                        }
                    });
                    return true;
                }

                if (sn == 2)
                {
                    var a = review.Spec.NonResourceAttributes = new V1NonResourceAttributes();
                    Fields(sr.ReadBytes().Span, (an, ar) =>
                    {
                        switch (an)
                        {
                            case 1: a.Path = ar.ReadString(); return true;
                            case 2: a.Verb = ar.ReadString(); return true;
                            default: return false;
                        }
                    });
                    return true;
                }

                return false;
            });
            return true;
        });
        return review;
    }

    /// <summary>authorization/v1 SelfSubjectRulesReview: spec (2) → namespace (1).</summary>
    public static V1SelfSubjectRulesReview SelfSubjectRulesReview(ReadOnlySpan<byte> body)
    {
        var review = new V1SelfSubjectRulesReview { Metadata = new V1ObjectMeta(), Spec = new V1SelfSubjectRulesReviewSpec() };
        Fields(Raw(body), (n, r) =>
        {
            if (n != 2)
            {
                return false;
            }

            Fields(r.ReadBytes().Span, (sn, sr) =>
            {
                if (sn != 1)
                {
                    return false;
                }

                review.Spec.NamespaceProperty = sr.ReadString();
                return true;
            });
            return true;
        });
        return review;
    }

    /// <summary>authentication/v1 TokenRequest: spec (2) → audiences (1), boundObjectRef (3), expirationSeconds (4).</summary>
    public static Authenticationv1TokenRequest TokenRequest(ReadOnlySpan<byte> body)
    {
        var request = new Authenticationv1TokenRequest { Metadata = new V1ObjectMeta(), Spec = new V1TokenRequestSpec { Audiences = [] } };
        Fields(Raw(body), (n, r) =>
        {
            if (n != 2)
            {
                return false;
            }

            Fields(r.ReadBytes().Span, (sn, sr) =>
            {
                switch (sn)
                {
                    case 1:
                        request.Spec.Audiences.Add(sr.ReadString());
                        return true;
                    case 4:
                        request.Spec.ExpirationSeconds = sr.ReadInt64();
                        return true;
                    case 3:
                        var bound = request.Spec.BoundObjectRef = new V1BoundObjectReference();
                        Fields(sr.ReadBytes().Span, (bn, br) =>
                        {
                            switch (bn)
                            {
                                case 1: bound.Kind = br.ReadString(); return true;
                                case 2: bound.ApiVersion = br.ReadString(); return true;
                                case 3: bound.Name = br.ReadString(); return true;
                                case 4: bound.Uid = br.ReadString(); return true;
                                default: return false;
                            }
                        });
                        return true;
                    default:
                        return false;
                }
            });
            return true;
        });
        return request;
    }

    /// <summary>The raw message inside the envelope.</summary>
    /// <exception cref="StatusException">400 when the body is not an envelope.</exception>
    public static ReadOnlySpan<byte> Raw(ReadOnlySpan<byte> body)
    {
        if (body.Length < Magic.Length || !body[..Magic.Length].SequenceEqual(Magic))
        {
            throw StatusException.BadRequest("the body of the request was in an unknown format");
        }

        ByteString? raw = null;
        Fields(body[Magic.Length..], (n, r) =>
        {
            if (n != 2)
            {
                return false;
            }

            raw = r.ReadBytes();
            return true;
        });
        return raw is null ? [] : raw.Span;
    }

    // Calls read(field, reader) for each field; read returns false to have the field skipped.
    private static void Fields(ReadOnlySpan<byte> message, Func<int, CodedInputStream, bool> read)
    {
        try
        {
            var input = new CodedInputStream(message.ToArray());
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (!read(WireFormat.GetTagFieldNumber(tag), input))
                {
                    input.SkipLastField();
                }
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw StatusException.BadRequest("the body of the request was in an unknown format: " + e.Message);
        }
    }
}
