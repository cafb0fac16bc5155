namespace LocalKube.Core.Certificates;

/// <summary>The node Docker Engine's TLS material (<see cref="Pki.EnsureEngineAsync"/>).</summary>
/// <param name="CaCertificate">The profile CA, which both sides trust.</param>
/// <param name="ServerCertificate">The engine's certificate (127.0.0.1, localhost).</param>
/// <param name="ServerKey">Its key.</param>
/// <param name="ClientDirectory">The host folder with <c>ca.pem</c>, <c>cert.pem</c>, <c>key.pem</c> for <c>DOCKER_CERT_PATH</c>.</param>
public sealed record EngineCertificates(PemFile CaCertificate, PemFile ServerCertificate, PemFile ServerKey, string ClientDirectory);
