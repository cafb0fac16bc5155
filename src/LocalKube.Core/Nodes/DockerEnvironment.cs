namespace LocalKube.Core.Nodes;

/// <summary>What <c>docker-env</c> exports: where the node's Docker Engine listens on the host, over TLS.</summary>
/// <param name="Profile">The profile (LOCALKUBE_ACTIVE_DOCKERD).</param>
/// <param name="Host">DOCKER_HOST: <c>tcp://127.0.0.1:PORT</c>.</param>
/// <param name="CertPath">DOCKER_CERT_PATH: the folder with ca.pem, cert.pem and key.pem.</param>
public sealed record DockerEnvironment(string Profile, Uri Host, string CertPath);
