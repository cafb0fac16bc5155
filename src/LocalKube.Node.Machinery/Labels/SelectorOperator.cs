namespace LocalKube.Node.Machinery.Labels;

/// <summary>The operators of a label selector requirement (apimachinery <c>selection.Operator</c>).</summary>
public enum SelectorOperator
{
    /// <summary><c>key=value</c> or <c>key==value</c>.</summary>
    Equals,

    /// <summary><c>key!=value</c>: the label is absent or has another value.</summary>
    NotEquals,

    /// <summary><c>key in (a,b)</c>.</summary>
    In,

    /// <summary><c>key notin (a,b)</c>: absent, or none of the values.</summary>
    NotIn,

    /// <summary><c>key</c>: the label is present.</summary>
    Exists,

    /// <summary><c>!key</c>: the label is absent.</summary>
    DoesNotExist,

    /// <summary><c>key&gt;n</c>: an integer label greater than n.</summary>
    GreaterThan,

    /// <summary><c>key&lt;n</c>: an integer label less than n.</summary>
    LessThan,
}
