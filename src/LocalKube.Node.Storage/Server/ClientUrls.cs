namespace LocalKube.Node.Storage.Server;

/// <summary>The URLs the server actually listens on (a requested port 0 resolved), for MemberList.</summary>
internal sealed class ClientUrls
{
    public List<string> Urls { get; } = [];
}
