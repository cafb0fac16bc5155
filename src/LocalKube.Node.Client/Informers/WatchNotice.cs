using k8s;
using k8s.Models;

namespace LocalKube.Node.Client.Informers;

/// <summary>One decoded watch event: ADDED/MODIFIED/DELETED/BOOKMARK with the object, or ERROR with its Status.</summary>
internal readonly record struct WatchNotice<T>(WatchEventType Type, T? Object, V1Status? Status);
