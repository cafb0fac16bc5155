namespace LocalKube.Dashboard.Explain;

/// <summary>Why an object is (not) running: a headline and the findings behind it, most severe first.</summary>
/// <param name="Healthy">True when nothing is wrong (running and ready, or completed).</param>
/// <param name="Headline">One line for the top of the page.</param>
/// <param name="Findings">The causes found.</param>
public sealed record Explanation(bool Healthy, string Headline, IReadOnlyList<Finding> Findings);
