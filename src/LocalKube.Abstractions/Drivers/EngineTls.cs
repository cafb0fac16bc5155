namespace LocalKube.Abstractions.Drivers;

/// <summary>
/// TLS material for the node's container engine endpoint (<c>docker-env</c>): the engine serves it with client
/// certificates required, so only holders of a certificate from the profile CA reach it.
/// </summary>
/// <param name="CaCertificatePem">The CA that client certificates must chain to.</param>
/// <param name="ServerCertificatePem">The engine's certificate (valid for 127.0.0.1).</param>
/// <param name="ServerKeyPem">Its private key.</param>
public sealed record EngineTls(string CaCertificatePem, string ServerCertificatePem, string ServerKeyPem);
