namespace LocalKube.Node.Hosting;

/// <summary>The type of a component setting's value, checked when the agent starts.</summary>
public enum NodeSettingKind
{
    /// <summary>Any text.</summary>
    Text,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A whole number within the setting's <see cref="NodeSettingDefault.Minimum"/> and <see cref="NodeSettingDefault.Maximum"/>.</summary>
    Integer,

    /// <summary>A Go duration that is not negative (<c>5m0s</c>, <c>30s</c>, <c>0</c>).</summary>
    Duration,

    /// <summary>Comma-separated absolute http(s) URLs (empty allowed).</summary>
    UrlList,
}
