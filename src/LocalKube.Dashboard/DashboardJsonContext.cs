using System.Text.Json;
using System.Text.Json.Serialization;
using LocalKube.Dashboard.Endpoints;
using LocalKube.Dashboard.Explain;
using LocalKube.Dashboard.Streams;
using LocalKube.Dashboard.Watch;

namespace LocalKube.Dashboard;

/// <summary>Source-generated JSON for the dashboard's own messages (camelCase, nulls left out).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(ApiStatus))]
[JsonSerializable(typeof(WatchError))]
[JsonSerializable(typeof(List<AccessCheck>))]
[JsonSerializable(typeof(List<AccessAnswer>))]
[JsonSerializable(typeof(Explanation))]
[JsonSerializable(typeof(PortForwardRequest))]
[JsonSerializable(typeof(List<PortForwardView>))]
[JsonSerializable(typeof(PortForwardView))]
[JsonSerializable(typeof(DashboardInfo))]
[JsonSerializable(typeof(Hosting.DashboardState))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
