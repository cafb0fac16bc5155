namespace LocalKube.Node.Client.Informers;

/// <summary>An informer the factory can run without knowing its type.</summary>
internal interface IRunnableInformer : ISharedInformer
{
    Task RunAsync(CancellationToken cancellationToken);
}
