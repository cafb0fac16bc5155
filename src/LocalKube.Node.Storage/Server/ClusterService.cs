using Grpc.Core;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.Storage.Server;

/// <summary>etcd's Cluster service, reduced to MemberList: one member, this server.</summary>
internal sealed class ClusterService(StoreHolder holder, ClientUrls urls) : Cluster.ClusterBase
{
    public override async Task<MemberListResponse> MemberList(MemberListRequest request, ServerCallContext context)
    {
        var store = await holder.GetAsync(context.CancellationToken).ConfigureAwait(false);
        var member = new Member { ID = store.MemberId, Name = "localkube" };
        member.ClientURLs.AddRange(urls.Urls);
        member.PeerURLs.AddRange(urls.Urls);
        var response = new MemberListResponse { Header = store.Header(store.Revision) };
        response.Members.Add(member);
        return response;
    }
}
