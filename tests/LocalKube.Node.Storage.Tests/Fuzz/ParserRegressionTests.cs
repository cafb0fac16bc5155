using LocalKube.Node.Storage.Persistence;
using LocalKube.Node.Storage.Server.Http2;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Fuzz;

/// <summary>Inputs the storage parsers once mishandled, each in its smallest form: a clear error, never a crash or a hang.</summary>
public sealed class ParserRegressionTests
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    // A HEADERS frame whose pad length is longer than the frame: the pre-parser's pump died on it and the connection
    // hung, waiting for a stage nobody would complete.
    [TestCase((byte)0x0C, new byte[] { 200, 0x82 }, TestName = "Padding longer than the HEADERS frame")]
    [TestCase((byte)0x24, new byte[] { 0, 0 }, TestName = "Priority fields longer than the HEADERS frame")]
    [TestCase((byte)0x2C, new byte[] { }, TestName = "An empty padded HEADERS frame")]
    public async Task Malformed_headers_frames_end_the_connection_with_a_protocol_error(byte flags, byte[] payload)
    {
        byte[] stream = [.. Preface, (byte)(payload.Length >> 16), (byte)(payload.Length >> 8), (byte)payload.Length, 1, flags, 0, 0, 0, 1, .. payload];
        Assert.That(await Http2PreParserFuzzTests.RunAsync(stream), Is.EqualTo("refused"));
    }

    [TestCase("0fffffffff0f", TestName = "An HPACK name index past int.MaxValue")]
    [TestCase("007fffffffff0f", TestName = "An HPACK string length past int.MaxValue")]
    [TestCase("3fe1ff03", TestName = "An HPACK table size above 4096")]
    public void Malformed_hpack_is_an_InvalidDataException(string hex) =>
        Assert.Throws<InvalidDataException>(() => new HpackDecoder().Decode(Convert.FromHexString(hex)));

    [TestCase("09000000", TestName = "A fixed64 field cut short")]
    [TestCase("0d00", TestName = "A fixed32 field cut short")]
    [TestCase("1281808080100a", TestName = "A bytes field longer than 4 GiB")]
    public void Malformed_wal_records_are_an_InvalidDataException(string hex) =>
        Assert.Throws<InvalidDataException>(() => WireReader.ReadWalRecord(Convert.FromHexString(hex), new ValueArena()));
}
