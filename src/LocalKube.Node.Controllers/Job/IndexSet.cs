using System.Globalization;
using System.Text;

namespace LocalKube.Node.Controllers.Job;

/// <summary>
/// Upstream's <c>orderedIntervals</c>: a set of completion indexes kept as sorted, disjoint intervals and written
/// as <c>"1,3-5,7"</c> (<c>status.completedIndexes</c>, <c>failedIndexes</c>, a success policy's
/// <c>succeededIndexes</c>).
/// </summary>
public sealed class IndexSet
{
    private readonly List<(int First, int Last)> _intervals;

    private IndexSet(List<(int First, int Last)> intervals) => _intervals = intervals;

    /// <summary>The empty set.</summary>
    public static IndexSet Empty => new([]);

    /// <summary>The intervals, in order.</summary>
    public IReadOnlyList<(int First, int Last)> Intervals => _intervals;

    /// <summary>The number of indexes.</summary>
    public int Total => _intervals.Sum(i => i.Last - i.First + 1);

    /// <summary>
    /// Parses <c>"1,3-5"</c>, ignoring indexes at or above <paramref name="completions"/> and anything malformed
    /// (as <c>parseIndexesFromString</c>, which logs and skips).
    /// </summary>
    public static IndexSet Parse(string? text, int completions)
    {
        var result = new List<(int, int)>();
        if (string.IsNullOrEmpty(text))
        {
            return new IndexSet(result);
        }

        foreach (var part in text.Split(','))
        {
            var bounds = part.Split('-');
            if (bounds.Length is < 1 or > 2
                || !int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                || first >= completions)
            {
                continue;
            }

            var last = first;
            if (bounds.Length == 2)
            {
                if (!int.TryParse(bounds[1], NumberStyles.None, CultureInfo.InvariantCulture, out last) || last < first)
                {
                    continue;
                }

                last = Math.Min(last, completions - 1);
            }

            result.Add((first, last));
        }

        result.Sort();
        return new IndexSet(Normalize(result));
    }

    /// <summary>Whether <paramref name="index"/> is in the set.</summary>
    public bool Has(int index) => _intervals.Any(i => i.First <= index && index <= i.Last);

    /// <summary><c>withOrderedIndexes</c>: the set plus <paramref name="indexes"/>.</summary>
    public IndexSet With(IEnumerable<int> indexes)
    {
        var list = _intervals.ToList();
        list.AddRange(indexes.Select(i => (i, i)));
        list.Sort();
        return new IndexSet(Normalize(list));
    }

    /// <summary>The union of two sets.</summary>
    public IndexSet Merge(IndexSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var list = _intervals.Concat(other._intervals).ToList();
        list.Sort();
        return new IndexSet(Normalize(list));
    }

    /// <summary>The indexes in both sets.</summary>
    public IndexSet Intersect(IndexSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = new List<(int, int)>();
        foreach (var a in _intervals)
        {
            foreach (var b in other._intervals)
            {
                var first = Math.Max(a.First, b.First);
                var last = Math.Min(a.Last, b.Last);
                if (first <= last)
                {
                    result.Add((first, last));
                }
            }
        }

        result.Sort();
        return new IndexSet(Normalize(result));
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var (first, last) in _intervals)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(first.ToString(CultureInfo.InvariantCulture));
            if (last > first)
            {
                // Two adjacent indexes are written "1,2", longer runs "1-3".
                sb.Append(last == first + 1 ? ',' : '-').Append(last.ToString(CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    private static List<(int First, int Last)> Normalize(List<(int First, int Last)> sorted)
    {
        var result = new List<(int First, int Last)>();
        foreach (var interval in sorted)
        {
            if (result.Count > 0 && interval.First <= result[^1].Last + 1)
            {
                result[^1] = (result[^1].First, Math.Max(result[^1].Last, interval.Last));
            }
            else
            {
                result.Add(interval);
            }
        }

        return result;
    }
}
