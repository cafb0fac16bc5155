using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Discovery;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog;

/// <summary>
/// The shared base of every catalog strategy: it casts to the model type once, validates metadata with the kind's
/// name rule, compares <c>spec</c> for generation, fills NAME/namespace field-selector entries, and falls back to
/// the generic Table (NAME, CREATED AT). Kinds override only what differs upstream.
/// </summary>
/// <typeparam name="T">The KubernetesClient model, e.g. <see cref="V1Pod"/>.</typeparam>
public abstract class ResourceStrategy<T> : IResourceStrategy
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private static readonly IReadOnlyList<TableColumn> GenericColumns = [Cols.Name, Cols.CreatedAt];

    /// <summary>Creates the strategy from its discovery entry and upstream storage facts.</summary>
    protected ResourceStrategy(ApiResourceDescriptor descriptor, string storagePrefix, bool hasGeneration)
    {
        Descriptor = descriptor;
        StoragePrefix = storagePrefix;
        HasGeneration = hasGeneration;
    }

    /// <inheritdoc />
    public ApiResourceDescriptor Descriptor { get; }

    /// <inheritdoc />
    public Type ModelType => typeof(T);

    /// <inheritdoc />
    public string StoragePrefix { get; }

    /// <inheritdoc />
    public bool HasGeneration { get; }

    /// <inheritdoc />
    public virtual IReadOnlyList<TableColumn> Columns => GenericColumns;

    /// <summary>Whether object metadata is validated (review kinds are never stored and carry none).</summary>
    protected virtual bool ValidatesMetadata => true;

    /// <summary>The rule names of this kind must satisfy (DNS subdomain unless upstream says otherwise).</summary>
    protected virtual Names.Rule NameRule => Names.SubdomainName;

    /// <inheritdoc />
    public void Default(IKubernetesObject<V1ObjectMeta> obj) => Default(Cast(obj));

    /// <inheritdoc />
    public IReadOnlyList<V1StatusCause> ValidateCreate(IKubernetesObject<V1ObjectMeta> obj)
    {
        var typed = Cast(obj);
        var errors = new FieldErrors();
        if (ValidatesMetadata)
        {
            MetaValidation.Validate(typed.Metadata, Descriptor.Namespaced, NameRule, errors);
        }

        Validate(typed, errors);
        return errors;
    }

    /// <inheritdoc />
    public IReadOnlyList<V1StatusCause> ValidateUpdate(IKubernetesObject<V1ObjectMeta> obj, IKubernetesObject<V1ObjectMeta> old)
    {
        var typed = Cast(obj);
        var errors = new FieldErrors();
        var previous = Cast(old);
        if (ValidatesMetadata)
        {
            MetaValidation.ValidateUpdate(typed.Metadata, previous.Metadata, Descriptor.Namespaced, NameRule, errors);
        }

        ValidateUpdate(typed, previous, errors);
        return errors;
    }

    /// <inheritdoc />
    public bool SpecChanged(IKubernetesObject<V1ObjectMeta> old, IKubernetesObject<V1ObjectMeta> updated) =>
        !Json.SemanticEquals(GenerationSource(Cast(old)), GenerationSource(Cast(updated)));

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(IKubernetesObject<V1ObjectMeta> obj, DateTimeOffset now) => Row(Cast(obj), now);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> SelectableFields(IKubernetesObject<V1ObjectMeta> obj)
    {
        var typed = Cast(obj);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["metadata.name"] = typed.Metadata?.Name ?? "" };
        if (Descriptor.Namespaced)
        {
            fields["metadata.namespace"] = typed.Metadata?.NamespaceProperty ?? "";
        }

        AddSelectableFields(typed, fields);
        return fields;
    }

    /// <inheritdoc />
    public virtual IReadOnlyDictionary<string, string>? SelectableFieldsOfJson(ReadOnlyMemory<byte> json) => null;

    /// <summary>Fills upstream's defaults in place.</summary>
    protected virtual void Default(T obj)
    {
    }

    /// <summary>Validates the kind-specific part of a new object (metadata is already done).</summary>
    protected virtual void Validate(T obj, FieldErrors errors)
    {
    }

    /// <summary>Validates an update: by default the new object as on create; kinds add their immutable fields.</summary>
    protected virtual void ValidateUpdate(T obj, T old, FieldErrors errors) => Validate(obj, errors);

    /// <summary>What <c>metadata.generation</c> tracks: the <c>spec</c> property when the model has one.</summary>
    protected virtual object? GenerationSource(T obj) => typeof(T).GetProperty("Spec")?.GetValue(obj);

    /// <summary>One Table row, in <see cref="Columns"/> order. The default is the generic NAME, CREATED AT.</summary>
    protected virtual IReadOnlyList<object?> Row(T obj, DateTimeOffset now) =>
        [obj.Metadata?.Name, Age.CreatedAt(obj.Metadata?.CreationTimestamp)];

    /// <summary>Adds upstream's kind-specific field-selector fields.</summary>
    protected virtual void AddSelectableFields(T obj, IDictionary<string, string> fields)
    {
    }

    /// <summary>AGE of <paramref name="obj"/>.</summary>
    protected static string AgeOf(T obj, DateTimeOffset now) => Age.Since(obj.Metadata?.CreationTimestamp, now);

    private static T Cast(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj as T ?? throw new ArgumentException($"expected a {typeof(T).Name}, got {obj.GetType().Name}", nameof(obj));
    }
}
