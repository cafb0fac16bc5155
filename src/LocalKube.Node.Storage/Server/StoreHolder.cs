namespace LocalKube.Node.Storage.Server;

/// <summary>
/// Lets the web host be built before the store has finished loading; set before the server starts listening, so no
/// call ever sees it empty.
/// </summary>
internal sealed class StoreHolder
{
    public EmbeddedKeyValueStore Store { get; set; } = null!;
}
