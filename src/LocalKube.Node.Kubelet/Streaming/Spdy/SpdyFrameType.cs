namespace LocalKube.Node.Kubelet.Streaming.Spdy;

/// <summary>SPDY/3.1 control frame types.</summary>
internal enum SpdyFrameType : ushort
{
    SynStream = 1,
    SynReply = 2,
    RstStream = 3,
    Settings = 4,
    Ping = 6,
    GoAway = 7,
    Headers = 8,
    WindowUpdate = 9,
}
