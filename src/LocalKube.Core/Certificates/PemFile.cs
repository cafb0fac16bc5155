using System.Text;

namespace LocalKube.Core.Certificates;

/// <summary>A PEM file on disk together with its content.</summary>
/// <param name="Path">Absolute path of the file.</param>
/// <param name="Pem">The PEM text.</param>
public sealed record PemFile(string Path, string Pem)
{
    /// <summary>The PEM text as UTF-8 bytes (kubeconfig <c>*-data</c> fields base64 these; agents receive them as files).</summary>
    public byte[] ToBytes() => Encoding.UTF8.GetBytes(Pem);

    /// <summary>Base64 of the PEM text, as kubeconfig's <c>certificate-authority-data</c> and friends expect.</summary>
    public string ToBase64() => Convert.ToBase64String(ToBytes());
}
