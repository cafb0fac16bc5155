namespace LocalKube.Drivers.HyperV;

/// <summary>Where the hyperv driver keeps one machine's files (Hyper-V keeps the VM's own configuration there too).</summary>
internal sealed class HyperVLayout(string stateDirectory)
{
    /// <summary>The absolute state folder.</summary>
    public string Root { get; } = Path.GetFullPath(stateDirectory);

    /// <summary>The machine record; its presence is what makes the machine exist.</summary>
    public string Record => Path.Combine(Root, "machine.json");

    /// <summary>The differencing disk over the image's root VHDX.</summary>
    public string RootDisk => Path.Combine(Root, "root.vhdx");

    /// <summary>The node's /var disk.</summary>
    public string DataDisk => Path.Combine(Root, "var.vhdx");
}
