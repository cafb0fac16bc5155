using System.Reflection;

namespace LocalKube.Node.Client.Helpers;

/// <summary>
/// Status conditions of any model (<c>V1PodCondition</c>, <c>V1DeploymentCondition</c>, <c>V1Condition</c>, ...),
/// upstream's rule: <c>lastTransitionTime</c> changes only when <c>status</c> does, so a controller that sets the
/// same condition on every pass does not make the object look new.
/// </summary>
public static class Conditions
{
    /// <summary>The condition of <paramref name="type"/> in <paramref name="conditions"/>, or null.</summary>
    public static TCondition? Find<TCondition>(IEnumerable<TCondition>? conditions, string type)
        where TCondition : class =>
        conditions?.FirstOrDefault(c => Accessor<TCondition>.Type(c) == type);

    /// <summary>Whether the condition of <paramref name="type"/> has status <c>True</c>.</summary>
    public static bool IsTrue<TCondition>(IEnumerable<TCondition>? conditions, string type)
        where TCondition : class =>
        Find(conditions, type) is { } c && Accessor<TCondition>.Status(c) == "True";

    /// <summary>
    /// Sets <paramref name="condition"/> in <paramref name="conditions"/> (replacing the one of its type). The
    /// transition time is kept from the old condition when the status did not change, else set to
    /// <paramref name="now"/> when the new one has none. Returns whether anything changed.
    /// </summary>
    public static bool Set<TCondition>(IList<TCondition> conditions, TCondition condition, DateTime now)
        where TCondition : class
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentNullException.ThrowIfNull(condition);
        var type = Accessor<TCondition>.Type(condition);
        for (var i = 0; i < conditions.Count; i++)
        {
            var old = conditions[i];
            if (Accessor<TCondition>.Type(old) != type)
            {
                continue;
            }

            if (Accessor<TCondition>.Status(old) == Accessor<TCondition>.Status(condition))
            {
                Accessor<TCondition>.SetTransition(condition, Accessor<TCondition>.Transition(old));
                if (Same(old, condition))
                {
                    return false;
                }
            }
            else if (Accessor<TCondition>.Transition(condition) is null)
            {
                Accessor<TCondition>.SetTransition(condition, now);
            }

            conditions[i] = condition;
            return true;
        }

        if (Accessor<TCondition>.Transition(condition) is null)
        {
            Accessor<TCondition>.SetTransition(condition, now);
        }

        conditions.Add(condition);
        return true;
    }

    /// <summary>Removes the condition of <paramref name="type"/>; returns whether there was one.</summary>
    public static bool Remove<TCondition>(IList<TCondition>? conditions, string type)
        where TCondition : class
    {
        if (conditions is null)
        {
            return false;
        }

        var removed = false;
        for (var i = conditions.Count - 1; i >= 0; i--)
        {
            if (Accessor<TCondition>.Type(conditions[i]) == type)
            {
                conditions.RemoveAt(i);
                removed = true;
            }
        }

        return removed;
    }

    private static bool Same<TCondition>(TCondition a, TCondition b)
        where TCondition : class =>
        System.Text.Json.JsonSerializer.Serialize(a, Clients.KubeJson.Options) == System.Text.Json.JsonSerializer.Serialize(b, Clients.KubeJson.Options);

    // Every condition model has Type, Status and LastTransitionTime; reflected once per model type.
    private static class Accessor<TCondition>
    {
        private static readonly PropertyInfo TypeProperty = Property("Type");
        private static readonly PropertyInfo StatusProperty = Property("Status");
        private static readonly PropertyInfo TransitionProperty = Property("LastTransitionTime");

        public static string? Type(TCondition c) => (string?)TypeProperty.GetValue(c);

        public static string? Status(TCondition c) => (string?)StatusProperty.GetValue(c);

        public static DateTime? Transition(TCondition c) => (DateTime?)TransitionProperty.GetValue(c);

        public static void SetTransition(TCondition c, DateTime? value) => TransitionProperty.SetValue(c, value);

        private static PropertyInfo Property(string name) =>
            typeof(TCondition).GetProperty(name) ?? throw new InvalidOperationException($"{typeof(TCondition).Name} has no {name}: not a condition model");
    }
}
