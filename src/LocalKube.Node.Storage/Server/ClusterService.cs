using Grpc.Core;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.Storage.Server;

/// <summary>etcd's Cluster service, reduced to MemberList: one member, this server.</summary>
internal sealed class ClusterService(EmbeddedKeyValueStore store, ClientUrls urls) : Cluster.ClusterBase
{
    public override Task<MemberListResponse> MemberList(MemberListRequest request, ServerCallContext context)
    {
        var member = new Member { ID = store.MemberId, Name = "localkube" };
        member.ClientURLs.AddRange(urls.Urls);
        member.PeerURLs.AddRange(urls.Urls);
        var response = new MemberListResponse { Header = store.Header(store.Revision) };
        response.Members.Add(member);
        return Task.FromResult(response);
    }
}
