namespace LocalKube.Abstractions.Drivers;

/// <summary>Identifies one node machine of a profile.</summary>
/// <param name="Profile">The profile (cluster) name.</param>
/// <param name="Name">The machine name: the profile name for the first node, <c>&lt;profile&gt;-m02</c> and so on after.</param>
/// <param name="StateDirectory">
/// A host folder the driver owns for this machine (pid files, logs, data for the process driver).
/// It lives under the profile folder, so deleting the profile removes it.
/// </param>
public sealed record MachineRef(string Profile, string Name, string StateDirectory);
