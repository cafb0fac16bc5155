using LocalKube.Node.Storage.Server.Http2;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Embedded;

/// <summary>The HPACK pieces behind the :authority repair, checked against RFC 7541's own examples.</summary>
public sealed class HpackTests
{
    [Test]
    public void Huffman_decodes_the_rfc_example()
    {
        // RFC 7541 C.4.1: "www.example.com".
        var encoded = Convert.FromHexString("f1e3c2e5f23a6ba0ab90f4ff");
        Assert.That(System.Text.Encoding.ASCII.GetString(HpackHuffman.Decode(encoded)), Is.EqualTo("www.example.com"));
    }

    [Test]
    public void Decoder_follows_the_rfc_request_sequence_with_its_dynamic_table()
    {
        // RFC 7541 C.4.1 and C.4.2: the second request refers to the first one's dynamic table entry.
        var decoder = new HpackDecoder();
        var first = decoder.Decode(Convert.FromHexString("828684418cf1e3c2e5f23a6ba0ab90f4ff"));
        var second = decoder.Decode(Convert.FromHexString("828684be5886a8eb10649cbf"));
        Assert.That(first, Is.EqualTo(new[] { (":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com") }));
        Assert.That(second, Is.EqualTo(new[] { (":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com"), ("cache-control", "no-cache") }));
    }

    [TestCase("127.0.0.1:2379", "127.0.0.1:2379")]
    [TestCase("http://127.0.0.1:2379", "127.0.0.1:2379")]
    [TestCase("[::1]:2379", "[::1]:2379")]
    [TestCase("#initially=[http://a:1]", "localhost")]
    public void Bad_authorities_are_repaired(string authority, string expected) =>
        Assert.That(AuthorityRewriter.FixAuthority(authority), Is.EqualTo(expected));
}
