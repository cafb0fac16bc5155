namespace LocalKube.Node.Kubelet.Volumes;

/// <summary>One file of a configMap, secret, downwardAPI or projected volume: its bytes and Unix mode.</summary>
public sealed record FileProjection(byte[] Data, int Mode);
