namespace LocalKube.Node.Scheduler.Framework;

/// <summary>Data plugins compute in PreFilter/PreScore for their later calls in the same scheduling attempt.</summary>
public sealed class CycleState
{
    private readonly Dictionary<string, object> _data = new(StringComparer.Ordinal);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>.</summary>
    public void Write(string key, object value) => _data[key] = value;

    /// <summary>The value stored under <paramref name="key"/>, or default.</summary>
    public T? Read<T>(string key)
        where T : class => _data.TryGetValue(key, out var v) ? v as T : null;
}
