namespace LocalKube.Node.Storage.Tests.Conformance;

/// <summary>The three places the conformance suite runs.</summary>
public enum TargetKind
{
    /// <summary>The embedded store, called in-process.</summary>
    Embedded,

    /// <summary>The embedded store behind our gRPC server, reached through the etcd client backend.</summary>
    EmbeddedGrpc,

    /// <summary>A real etcd 3.4 process, reached through the etcd client backend.</summary>
    Etcd,
}
