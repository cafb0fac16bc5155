namespace LocalKube.Dashboard.Watch;

/// <summary>Where a list+watch delivers its messages: one browser connection.</summary>
public interface IWatchSink
{
    /// <summary>Queues one complete JSON message (UTF-8) for the browser. Never blocks on the network.</summary>
    void Send(byte[] message);
}
