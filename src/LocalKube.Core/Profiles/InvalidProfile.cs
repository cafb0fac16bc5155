namespace LocalKube.Core.Profiles;

/// <summary>A profile folder that cannot be used: a bad name, or a missing or unreadable config.</summary>
/// <param name="Name">The folder name.</param>
/// <param name="Directory">The folder.</param>
/// <param name="Problem">Why it is invalid.</param>
public sealed record InvalidProfile(string Name, string Directory, string Problem);
