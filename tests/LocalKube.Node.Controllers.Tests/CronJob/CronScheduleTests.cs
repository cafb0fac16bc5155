using LocalKube.Node.Controllers.CronJob;
using NUnit.Framework;

namespace LocalKube.Node.Controllers.Tests.CronJob;

[TestFixture]
public sealed class CronScheduleTests
{
    private static readonly DateTime Start = new(2026, 3, 2, 10, 30, 15, DateTimeKind.Utc); // a Monday

    [TestCase("*/1 * * * *", "2026-03-02T10:31:00Z")]
    [TestCase("*/15 * * * *", "2026-03-02T10:45:00Z")]
    [TestCase("@hourly", "2026-03-02T11:00:00Z")]
    [TestCase("@daily", "2026-03-03T00:00:00Z")]
    [TestCase("@midnight", "2026-03-03T00:00:00Z")]
    [TestCase("@weekly", "2026-03-08T00:00:00Z")]
    [TestCase("@monthly", "2026-04-01T00:00:00Z")]
    [TestCase("@yearly", "2027-01-01T00:00:00Z")]
    [TestCase("@annually", "2027-01-01T00:00:00Z")]
    [TestCase("0 0 * * MON-FRI", "2026-03-03T00:00:00Z")]
    [TestCase("5 4 * jan,mar *", "2026-03-03T04:05:00Z")]
    [TestCase("@every 90s", "2026-03-02T10:31:45Z")]
    [TestCase("@every 1h30m", "2026-03-02T12:00:15Z")]
    public void Next_InUtc(string schedule, string expected)
    {
        var next = CronSchedule.Parse(schedule, TimeZoneInfo.Utc).Next(Start);
        Assert.That(next, Is.EqualTo(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal)));
    }

    [Test]
    public void DayOfMonthAndDayOfWeekBothRestricted_EitherMatches()
    {
        // The 13th or a Friday: after Monday 2 March, Friday 6 March comes first.
        var schedule = CronSchedule.Parse("0 0 13 * 5", TimeZoneInfo.Utc);
        Assert.That(schedule.Next(Start), Is.EqualTo(new DateTime(2026, 3, 6, 0, 0, 0, DateTimeKind.Utc)));
        Assert.That(schedule.Next(new DateTime(2026, 3, 10, 0, 0, 0, DateTimeKind.Utc)), Is.EqualTo(new DateTime(2026, 3, 13, 0, 0, 0, DateTimeKind.Utc)));

        // Day-of-week a star: only the day of month counts.
        var onlyDom = CronSchedule.Parse("0 0 13 * *", TimeZoneInfo.Utc);
        Assert.That(onlyDom.Next(Start), Is.EqualTo(new DateTime(2026, 3, 13, 0, 0, 0, DateTimeKind.Utc)));
    }

    [Test]
    public void TimeZone_IsHonoured_IncludingTheTzPrefix()
    {
        var berlin = CronSchedule.FindZone("Europe/Berlin")!;
        // 09:00 in Berlin is 08:00 UTC in March before DST.
        Assert.That(CronSchedule.Parse("0 9 * * *", berlin).Next(Start), Is.EqualTo(new DateTime(2026, 3, 3, 8, 0, 0, DateTimeKind.Utc)));
        Assert.That(CronSchedule.Parse("TZ=Europe/Berlin 0 9 * * *", TimeZoneInfo.Utc).Next(Start), Is.EqualTo(new DateTime(2026, 3, 3, 8, 0, 0, DateTimeKind.Utc)));
    }

    [TestCase("* * * *", "expected exactly 5 fields, found 4: * * * *")]
    [TestCase("@fortnightly", "unrecognized descriptor: @fortnightly")]
    public void Invalid_IsRefusedWithRobfigsWording(string schedule, string message)
    {
        var e = Assert.Throws<FormatException>(() => CronSchedule.Parse(schedule, TimeZoneInfo.Utc));
        Assert.That(e!.Message, Is.EqualTo(message));
    }

    [Test]
    public void UnknownZone_IsNull() => Assert.That(CronSchedule.FindZone("Mars/Olympus"), Is.Null);
}
