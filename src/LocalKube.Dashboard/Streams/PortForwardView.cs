namespace LocalKube.Dashboard.Streams;

/// <summary>An open forward as the Forwards panel shows it.</summary>
public sealed record PortForwardView(
    string Id, string Namespace, string Kind, string Name, int Port, int LocalPort, string Url, int Active, long Total, string? LastError, DateTimeOffset Created)
{
    public static PortForwardView Of(PortForward forward) => new(
        forward.Id, forward.Target.Namespace, forward.Target.Kind, forward.Target.Name, forward.Target.Port, forward.LocalPort,
        $"http://127.0.0.1:{forward.LocalPort}/", forward.ActiveConnections, forward.TotalConnections, forward.LastError, forward.Created);
}
