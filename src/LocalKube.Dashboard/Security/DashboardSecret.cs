using System.Security.Cryptography;
using System.Text;

namespace LocalKube.Dashboard.Security;

/// <summary>The per-run secret: 256 random bits, URL-safe, compared in constant time.</summary>
public sealed class DashboardSecret
{
    private readonly byte[] _bytes;

    public DashboardSecret(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        Value = value;
        _bytes = Encoding.ASCII.GetBytes(value);
    }

    public string Value { get; }

    public static DashboardSecret Create() => new(Base64Url(RandomNumberGenerator.GetBytes(32)));

    public bool Matches(string? candidate)
    {
        if (string.IsNullOrEmpty(candidate) || candidate.Length > 256)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(candidate), _bytes);
    }

    public override string ToString() => "(secret)";

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
