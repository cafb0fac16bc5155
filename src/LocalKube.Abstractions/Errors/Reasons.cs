namespace LocalKube.Abstractions.Errors;

/// <summary>
/// The catalog of every reason LocalKube reports. IDs are stable once shipped. Exit codes follow minikube's
/// bands: 10 LocalKube itself, 20 resources, 30 host OS, 50 driver, 60 driver provider, 80 guest (node),
/// 100 control plane; the offset is sysexits-like (+4 usage, +5 not found, +3 not running, +7 permission ...).
/// </summary>
public static class Reasons
{
    /// <summary>An unexpected failure (a bug): the general failure code.</summary>
    public static readonly Reason Internal = new("LK_INTERNAL", 1,
        "This is a bug. Re-run with --alsologtostderr and report the output.");

    /// <summary>The command was interrupted (Ctrl+C).</summary>
    public static readonly Reason Interrupted = new("LK_INTERRUPTED", 2,
        "Run the same command again to complete it, or 'localkube delete' to clean up.");

    /// <summary>Bad command-line usage or flag values.</summary>
    public static readonly Reason Usage = new("LK_USAGE", 14,
        "Run the command with --help to see valid flags and values.");

    /// <summary>A profile name that is not a DNS-1123 label, or a reserved word.</summary>
    public static readonly Reason ProfileNameInvalid = new("LK_PROFILE_NAME_INVALID", 14,
        "Use lower-case letters, digits and '-', start and end with a letter or digit, at most 63 characters.");

    /// <summary>A required LocalKube file (the node agent bundle, the image recipe) is missing.</summary>
    public static readonly Reason AssetNotFound = new("LK_ASSET_NOT_FOUND", 15,
        "Run './build.sh --target=Publish' to build the node agent, or set LOCALKUBE_ASSETS to the artifacts folder.");

    /// <summary>kubectl is not installed.</summary>
    public static readonly Reason KubectlNotFound = new("LK_KUBECTL_NOT_FOUND", 15,
        "Install kubectl (https://kubernetes.io/docs/tasks/tools/) and make sure it is on PATH.");

    /// <summary>The profile's config file cannot be read.</summary>
    public static readonly Reason ProfileCorrupt = new("LK_PROFILE_CORRUPT", 18,
        "Fix or remove the named file, or run 'localkube delete -p <profile>' to start over.");

    /// <summary>The LocalKube home folder cannot be created or written.</summary>
    public static readonly Reason HomeNotWritable = new("LK_HOST_HOME_MKDIR", 37,
        "Check the permissions of LOCALKUBE_HOME (default ~/.localkube), or point it somewhere writable.");

    /// <summary>The kubeconfig file cannot be parsed or written. It is left untouched.</summary>
    public static readonly Reason KubeconfigUpdate = new("LK_HOST_KUBECONFIG_UPDATE", 38,
        "Fix the named kubeconfig file (or move it away), then run 'localkube update-context'.");

    /// <summary>The port asked for with <c>dashboard --port</c> is taken.</summary>
    public static readonly Reason DashboardPortInUse = new("LK_HOST_DASHBOARD_PORT_IN_USE", 31,
        "Pick another port with --port, or leave --port out to use a free one.");

    /// <summary>No driver is usable on this host.</summary>
    public static readonly Reason DriverNotDetected = new("LK_DRV_NOT_DETECTED", 55,
        "Install one of the drivers listed above (Docker is recommended), or pass --driver.");

    /// <summary>The named driver is installed but its health check fails, for a reason it could not classify.</summary>
    public static readonly Reason DriverNotHealthy = new("LK_DRV_NOT_HEALTHY", 55,
        "Follow the fix printed above, or pick another driver with --driver.");

    /// <summary>The named driver does not run on this OS.</summary>
    public static readonly Reason DriverUnsupportedOs = new("LK_DRV_UNSUPPORTED_OS", 56,
        "Pick a driver that supports this OS; 'localkube start --help' lists them.");

    /// <summary>Docker is not installed.</summary>
    public static readonly Reason DockerNotFound = new("LK_PROVIDER_DOCKER_NOT_FOUND", 65,
        "Install Docker: on Debian 'sudo apt-get install -y docker.io', then start it with 'sudo systemctl start docker' (or 'sudo dockerd &').");

    /// <summary>Docker is installed but its daemon does not answer.</summary>
    public static readonly Reason DockerNotRunning = new("LK_PROVIDER_DOCKER_NOT_RUNNING", 63,
        "Start the Docker daemon: 'sudo systemctl start docker' (or 'sudo dockerd &'), then retry.");

    /// <summary>The Docker socket refuses this user.</summary>
    public static readonly Reason DockerPermission = new("LK_PROVIDER_DOCKER_PERMISSION", 67,
        "Add yourself to the docker group: 'sudo usermod -aG docker $USER && newgrp docker', then retry.");

    /// <summary>Docker answered with an error LocalKube cannot classify.</summary>
    public static readonly Reason DockerError = new("LK_PROVIDER_DOCKER_ERROR", 69,
        "Check 'docker info' works, then retry. Re-run with --alsologtostderr for details.");

    /// <summary>QEMU (qemu-system-x86_64 or qemu-img) is not installed.</summary>
    public static readonly Reason QemuNotFound = new("LK_PROVIDER_QEMU_NOT_FOUND", 65,
        "Install QEMU: on Debian 'sudo apt-get install -y qemu-system-x86 qemu-utils'.");

    /// <summary>QEMU is installed but failed in a way LocalKube cannot classify.</summary>
    public static readonly Reason QemuError = new("LK_PROVIDER_QEMU_ERROR", 69,
        "Check that 'qemu-system-x86_64 --version' works, then retry. Re-run with --alsologtostderr for details.");

    /// <summary>The Hyper-V switch named by --hyperv-virtual-switch does not exist.</summary>
    public static readonly Reason HyperVSwitchNotFound = new("LK_DRV_HYPERV_VSWITCH_NOT_FOUND", 54,
        "Check the name given to --hyperv-virtual-switch against the output of 'Get-VMSwitch'.");

    /// <summary>There is no Hyper-V switch to attach the VM to.</summary>
    public static readonly Reason HyperVNoSwitch = new("LK_DRV_HYPERV_NO_VSWITCH", 58,
        "Create a virtual switch in Hyper-V Manager (or with 'New-VMSwitch'), then pass --hyperv-virtual-switch=<name>.");

    /// <summary>PowerShell is not on the PATH.</summary>
    public static readonly Reason HyperVPowerShellNotFound = new("LK_DRV_HYPERV_POWERSHELL_NOT_FOUND", 59,
        "To use the hyperv driver, PowerShell (powershell.exe) must be on the PATH.");

    /// <summary>Hyper-V is not enabled, or its PowerShell module is missing.</summary>
    public static readonly Reason HyperVNotInstalled = new("LK_PROVIDER_HYPERV_NOT_FOUND", 65,
        "Enable Hyper-V: start PowerShell as Administrator, run 'Enable-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V -All', then reboot.");

    /// <summary>The user is neither an Administrator nor a member of Hyper-V Administrators.</summary>
    public static readonly Reason HyperVNotAdministrator = new("LK_PROVIDER_HYPERV_AS_ADMIN", 67,
        "Right-click the PowerShell icon and select Run as Administrator, or add yourself to the 'Hyper-V Administrators' group and log in again.");

    /// <summary>A Hyper-V cmdlet failed in a way LocalKube cannot classify.</summary>
    public static readonly Reason HyperVError = new("LK_PROVIDER_HYPERV_ERROR", 69,
        "Check that Hyper-V Manager works, then retry. Re-run with --alsologtostderr for details.");

    /// <summary>The hyperkit binary is not installed.</summary>
    public static readonly Reason HyperkitNotFound = new("LK_PROVIDER_HYPERKIT_NOT_FOUND", 65,
        "Install hyperkit ('brew install hyperkit'), or use the docker or qemu driver.");

    /// <summary>hyperkit cannot use vmnet: it is neither run by root nor setuid root.</summary>
    public static readonly Reason HyperkitPermission = new("LK_PROVIDER_HYPERKIT_PERMISSION", 67,
        "hyperkit needs root for vmnet networking: run 'sudo chown root:wheel $(which hyperkit) && sudo chmod u+s $(which hyperkit)'.");

    /// <summary>The hyperkit VM got no address from vmnet's DHCP server.</summary>
    public static readonly Reason HyperkitNoIp = new("LK_PROVIDER_HYPERKIT_NO_IP", 69,
        "Install the latest hyperkit, run 'localkube delete', and start again.");

    /// <summary>hyperkit failed in a way LocalKube cannot classify.</summary>
    public static readonly Reason HyperkitError = new("LK_PROVIDER_HYPERKIT_ERROR", 69,
        "hyperkit is broken: upgrade it ('brew upgrade hyperkit'), or use the docker or qemu driver.");

    /// <summary>The node could not be created or started.</summary>
    public static readonly Reason GuestProvision = new("LK_GUEST_PROVISION", 80,
        "Run 'localkube delete' and start again. Re-run with --alsologtostderr for details.");

    /// <summary>The node image could not be built.</summary>
    public static readonly Reason NodeImageBuild = new("LK_GUEST_NODE_IMAGE", 80,
        "Check that debootstrap is installed and Debian's mirror is reachable, then run './build.sh --target=Images'.");

    /// <summary>The node VM failed while booting (its init reported an error, or the hypervisor exited).</summary>
    public static readonly Reason GuestBootFailed = new("LK_GUEST_BOOT_FAILED", 80,
        "Read the console lines above for the cause. 'localkube delete' removes the machine; then start again.");

    /// <summary>The node VM did not finish booting in time.</summary>
    public static readonly Reason GuestBootTimeout = new("LK_GUEST_BOOT_TIMEOUT", 82,
        "Read the console lines above. Without hardware virtualization (KVM) a VM boots much slower; 'localkube delete' removes the machine.");

    /// <summary>A host port the node needs is taken.</summary>
    public static readonly Reason PortInUse = new("LK_GUEST_PORT_IN_USE", 81,
        "Free the port or pick another one, then start again.");

    /// <summary>The profile exists with another driver than the one asked for.</summary>
    public static readonly Reason DriverMismatch = new("LK_GUEST_DRIVER_MISMATCH", 81,
        "Run 'localkube delete -p <profile>' to change drivers, or start it without --driver.");

    /// <summary>The node did not stop in time.</summary>
    public static readonly Reason StopTimeout = new("LK_GUEST_STOP_TIMEOUT", 82,
        "Run 'localkube stop' again, or 'localkube delete' to remove it.");

    /// <summary>The command needs a running node and it is not running.</summary>
    public static readonly Reason GuestNotRunning = new("LK_GUEST_NOT_RUNNING", 83,
        "Start the cluster with 'localkube start -p <profile>'.");

    /// <summary>The profile does not exist.</summary>
    public static readonly Reason ProfileNotFound = new("LK_GUEST_NOT_FOUND", 85,
        "Start it with 'localkube start -p <profile>', or list profiles with 'localkube profile list'.");

    /// <summary><c>service NAME</c> names a service that does not exist (minikube's SVC_NOT_FOUND).</summary>
    public static readonly Reason ServiceNotFound = new("LK_SVC_NOT_FOUND", 115,
        "Pick another namespace with -n, or list every service with 'localkube service list'.");

    /// <summary>The driver cannot reach services from the host (its node shares the host's network).</summary>
    public static readonly Reason ServiceUnavailable = new("LK_SVC_UNAVAILABLE", 114,
        "Use the docker driver, whose node runs the service proxy; with the process driver pods are simulated.");

    /// <summary>A host port of <c>tunnel</c> or <c>service</c> needs privileges or is taken.</summary>
    public static readonly Reason ServicePortDenied = new("LK_SVC_PERMISSION", 116,
        "Ports below 1024 need root (or CAP_NET_BIND_SERVICE): run the command with sudo, or use a port of 1024 or more.");

    /// <summary>The driver cannot run commands in its node (the process driver's node is the host itself).</summary>
    public static readonly Reason NoNodeShell = new("LK_DRV_NO_NODE_SHELL", 56,
        "Use a driver whose node is a container or VM ('localkube start --driver=docker'); with the process driver the node is this host, so use its own shell and Docker.");

    /// <summary>The node has no container engine whose images pods use (process driver, or the simulated runtime).</summary>
    public static readonly Reason NoContainerEngine = new("LK_DRV_NO_CONTAINER_ENGINE", 56,
        "Images matter only with a container engine in the node: 'localkube start --driver=docker' (the default runtime there is docker). The simulated runtime runs pods without images.");

    /// <summary>The node was created without the Docker Engine endpoint that <c>docker-env</c> needs.</summary>
    public static readonly Reason EngineEndpointMissing = new("LK_GUEST_DOCKER_ENV_UNAVAILABLE", 86,
        "Recreate the cluster to publish its Docker Engine: 'localkube delete -p <profile>' then 'localkube start -p <profile>'. Until then 'localkube image load' and 'image build' put images in the node.");

    /// <summary><c>image load</c> failed: the image is not in the host's Docker, or the archive is not an image.</summary>
    public static readonly Reason ImageLoad = new("LK_GUEST_IMAGE_LOAD", 80,
        "Check the image exists ('docker images') or that the file is a 'docker save' archive, and that the node has disk space ('localkube ssh -- df -h /var').");

    /// <summary><c>image ls</c> could not read the node's images.</summary>
    public static readonly Reason ImageList = new("LK_GUEST_IMAGE_LIST", 80,
        "Check the node's engine with 'localkube ssh -- docker info'; 'localkube start' restarts a broken node.");

    /// <summary><c>image rm</c> failed (no such image, or a container uses it).</summary>
    public static readonly Reason ImageRemove = new("LK_GUEST_IMAGE_REMOVE", 80,
        "List the node's images with 'localkube image ls'; delete the pods that use an image before removing it.");

    /// <summary><c>image build</c> failed.</summary>
    public static readonly Reason ImageBuild = new("LK_GUEST_IMAGE_BUILD", 80,
        "Read the build output above for the failing step; the build runs with the node's Docker, offline.");

    /// <summary>The node agent exited or failed to start.</summary>
    public static readonly Reason AgentFailed = new("LK_K8S_AGENT_FAILED", 100,
        "See 'localkube logs' for the agent's reason, then run 'localkube start' again.");

    /// <summary>The API server did not become ready in time.</summary>
    public static readonly Reason ApiServerTimeout = new("LK_K8S_APISERVER_TIMEOUT", 102,
        "See 'localkube logs'. Raise --wait-timeout on a slow machine.");

    /// <summary>Every reason, for docs and uniqueness checks.</summary>
    public static IReadOnlyList<Reason> All { get; } =
    [
        Internal, Interrupted, Usage, ProfileNameInvalid, AssetNotFound, KubectlNotFound, ProfileCorrupt, HomeNotWritable,
        KubeconfigUpdate, DriverNotDetected, DriverNotHealthy, DriverUnsupportedOs, DockerNotFound, DockerNotRunning,
        DockerPermission, DockerError, QemuNotFound, QemuError, HyperVSwitchNotFound, HyperVNoSwitch, HyperVPowerShellNotFound,
        HyperVNotInstalled, HyperVNotAdministrator, HyperVError, HyperkitNotFound, HyperkitPermission, HyperkitNoIp, HyperkitError,
        GuestProvision, GuestBootFailed, GuestBootTimeout, NodeImageBuild, PortInUse, DriverMismatch, StopTimeout, GuestNotRunning,
        ProfileNotFound, AgentFailed, ApiServerTimeout, DashboardPortInUse, ServiceNotFound, ServiceUnavailable, ServicePortDenied,
        NoNodeShell, NoContainerEngine, ImageLoad, ImageList, ImageRemove, ImageBuild, EngineEndpointMissing,
    ];
}
