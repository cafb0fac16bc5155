namespace LocalKube.Node.Client.Informers;

/// <summary>What a handler is told, queued per handler so each sees the informer's changes in order.</summary>
internal readonly record struct Notification<T>(NotificationKind Kind, T Object, T? Old = null, bool Flag = false)
    where T : class;

/// <summary>The three handler calls.</summary>
internal enum NotificationKind
{
    Add,
    Update,
    Delete,
}
