using LocalKube.Testing;

namespace LocalKube.Drivers.Conformance;

/// <summary>
/// Makes a fake node agent bundle: a POSIX sh <c>localkube-node</c> that follows the agent's command-line contract
/// closely enough for driver tests (pid file, JSON log lines, SIGTERM handling) and logs what it was given, per
/// <see cref="FakeAgentProtocol"/>. It runs on the host (process driver) and in a Debian node (docker driver): it only
/// uses sh, date, sed, tr, ls, cat, mkdir, rm and sleep.
/// </summary>
public static class FakeAgentBundle
{
    /// <summary>Writes the fake agent into <paramref name="directory"/> (created if needed) and returns the folder.</summary>
    /// <param name="directory">The bundle folder.</param>
    /// <param name="ignoreSigterm">Makes the agent log <see cref="FakeAgentProtocol.IgnoringTerm"/> and keep running on SIGTERM.</param>
    public static string Create(string directory, bool ignoreSigterm = false)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FakeDriver.AgentExecutable);
        var onTerm = ignoreSigterm
            ? $"log \"{FakeAgentProtocol.IgnoringTerm}\""
            : $"log \"{FakeAgentProtocol.Stopped}\"; rm -f \"$pid_file\"; kill \"$sleeper\" 2>/dev/null; exit 0";
        File.WriteAllText(path, Script.Replace("@ON_TERM@", onTerm, StringComparison.Ordinal)
            .Replace("@CATEGORY@", FakeAgentProtocol.Category, StringComparison.Ordinal)
            .Replace("@STARTED@", FakeAgentProtocol.StartedPrefix, StringComparison.Ordinal)
            .Replace("@ARG@", FakeAgentProtocol.ArgumentPrefix, StringComparison.Ordinal)
            .Replace("@FILE@", FakeAgentProtocol.FilePrefix, StringComparison.Ordinal)
            .Replace("@BOOT@", FakeAgentProtocol.BootPrefix, StringComparison.Ordinal)
            .Replace("@BOOTS_FILE@", FakeAgentProtocol.BootCounterFile, StringComparison.Ordinal)
            .Replace("@LOG_FILE@", FakeAgentProtocol.LogFile, StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101); // 0755
        }

        return directory;
    }

    // Kept in sync with SimulatedAgent (LocalKube.Testing): same messages, same order.
    private const string Script = """
        #!/bin/sh
        # Fake localkube-node for driver conformance tests. POSIX sh only.
        set -u
        if [ "${1:-}" != run ]; then
          echo "fake localkube-node: only 'run' is supported" >&2
          exit 64
        fi
        shift
        data_dir=""
        cert_dir=""
        pid_file=""
        prev=""
        for a in "$@"; do
          case "$prev" in
            --data-dir) data_dir="$a" ;;
            --cert-dir) cert_dir="$a" ;;
            --pid-file) pid_file="$a" ;;
          esac
          prev="$a"
        done
        if [ -z "$data_dir" ]; then
          echo "fake localkube-node: --data-dir is required" >&2
          exit 64
        fi
        [ -n "$pid_file" ] || pid_file="$data_dir/agent.pid"
        log_file="$data_dir/@LOG_FILE@"
        mkdir -p "${log_file%/*}" "${pid_file%/*}"

        # Builtins only for plain messages: under emulation (a VM node without KVM) each process start is costly.
        now=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
        log() {
          case "$1" in
            *'\'*|*'"'*|*"
        "*) msg=$(printf '%s' "$1" | tr -d '\n' | sed 's/\\/\\\\/g; s/"/\\"/g') ;;
            *) msg=$1 ;;
          esac
          printf '{"time":"%s","level":"Information","category":"@CATEGORY@","eventId":0,"message":"%s","exception":null}\n' \
            "$now" "$msg" >> "$log_file"
        }

        sleeper=""
        trap '@ON_TERM@' TERM
        echo $$ > "$pid_file"
        log "@STARTED@$$"
        for a in "$@"; do
          log "@ARG@$a"
        done
        if [ -n "$cert_dir" ] && [ -d "$cert_dir" ]; then
          for f in "$cert_dir"/*; do
            [ -f "$f" ] || continue
            mode=$(ls -ld "$f")
            log "@FILE@${f##*/} mode=${mode%% *} content=$(cat "$f")"
          done
        fi
        boots=$(cat "$data_dir/@BOOTS_FILE@" 2>/dev/null || echo 0)
        boots=$((boots + 1))
        echo "$boots" > "$data_dir/@BOOTS_FILE@"
        # Durable like the real agent's store (which fsyncs): a VM killed a moment later must still have it.
        sync "$data_dir/@BOOTS_FILE@" 2>/dev/null || sync
        log "@BOOT@$boots"
        while :; do
          # A background sleep and wait, so the TERM trap runs at once instead of after the sleep.
          sleep 1 &
          sleeper=$!
          wait "$sleeper"
        done

        """;
}
