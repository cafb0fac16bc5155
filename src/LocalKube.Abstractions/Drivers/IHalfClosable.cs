namespace LocalKube.Abstractions.Drivers;

/// <summary>A stream from <see cref="IDriver.ConnectInNodeAsync"/> that can end its sending side alone (TCP half-close).</summary>
public interface IHalfClosable
{
    /// <summary>Ends the sending side; reading goes on until the far side closes.</summary>
    void CloseWrite();
}
