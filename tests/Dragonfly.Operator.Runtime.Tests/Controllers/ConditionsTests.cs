using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Controllers;
using Microsoft.Extensions.Time.Testing;

namespace Dragonfly.Operator.Runtime.Tests.Controllers;

public sealed class ConditionsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    [Test]
    public void Set_NewType_AddsTheConditionAtNow()
    {
        var conditions = new List<V1Condition>();

        conditions.Set("Ready", true, "Running", "all replicas up", 4, _time.GetUtcNow());

        Assert.That(conditions, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(conditions[0].Type, Is.EqualTo("Ready"));
            Assert.That(conditions[0].Status, Is.EqualTo("True"));
            Assert.That(conditions[0].Reason, Is.EqualTo("Running"));
            Assert.That(conditions[0].Message, Is.EqualTo("all replicas up"));
            Assert.That(conditions[0].ObservedGeneration, Is.EqualTo(4));
            Assert.That(conditions[0].LastTransitionTime, Is.EqualTo(_time.GetUtcNow()));
        });
    }

    [Test]
    public void Set_SameStatusAgain_KeepsTheTransitionTimeAndUpdatesTheRest()
    {
        var conditions = new List<V1Condition>();
        conditions.Set("Ready", false, "Starting", "0/3", 1, _time.GetUtcNow());
        var firstTransition = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromMinutes(5));

        conditions.Set("Ready", false, "Waiting", "1/3", 2, _time.GetUtcNow());

        Assert.That(conditions, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(conditions[0].LastTransitionTime, Is.EqualTo(firstTransition), "the status did not flip");
            Assert.That(conditions[0].Reason, Is.EqualTo("Waiting"));
            Assert.That(conditions[0].Message, Is.EqualTo("1/3"));
            Assert.That(conditions[0].ObservedGeneration, Is.EqualTo(2));
        });
    }

    [Test]
    public void Set_StatusFlips_MovesTheTransitionTime()
    {
        var conditions = new List<V1Condition>();
        conditions.Set("Ready", false, "Starting", "0/3", 1, _time.GetUtcNow());
        _time.Advance(TimeSpan.FromMinutes(5));

        conditions.Set("Ready", true, "Running", "3/3", 1, _time.GetUtcNow());

        Assert.Multiple(() =>
        {
            Assert.That(conditions[0].Status, Is.EqualTo("True"));
            Assert.That(conditions[0].LastTransitionTime, Is.EqualTo(_time.GetUtcNow()));
        });
    }

    [Test]
    public void Set_OtherType_LeavesExistingConditionsAlone()
    {
        var conditions = new List<V1Condition>();
        conditions.Set("Ready", true, "Running", "3/3", 1, _time.GetUtcNow());
        var readyTransition = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromMinutes(1));

        conditions.Set("Degraded", false, "Healthy", "", 1, _time.GetUtcNow());

        Assert.That(conditions.Select(c => c.Type), Is.EqualTo(new[] { "Ready", "Degraded" }));
        Assert.That(conditions[0].LastTransitionTime, Is.EqualTo(readyTransition));
        Assert.That(conditions[0].Status, Is.EqualTo("True"));
    }

    [Test]
    public void Set_FromUnknown_CountsAsATransition()
    {
        var conditions = new List<V1Condition>
        {
            new() { Type = "Ready", Status = "Unknown", LastTransitionTime = _time.GetUtcNow() },
        };
        _time.Advance(TimeSpan.FromMinutes(1));

        conditions.Set("Ready", false, "Starting", "0/3", 1, _time.GetUtcNow());

        Assert.That(conditions[0].LastTransitionTime, Is.EqualTo(_time.GetUtcNow()));
    }

    [TestCase("Ready", true)]
    [TestCase("Degraded", false)]
    [TestCase("Missing", false)]
    public void IsTrue_ByType_OnlyATrueConditionOfThatType(string type, bool expected)
    {
        var conditions = new List<V1Condition>();
        conditions.Set("Ready", true, "Running", "", 1, _time.GetUtcNow());
        conditions.Set("Degraded", false, "Healthy", "", 1, _time.GetUtcNow());

        Assert.That(conditions.IsTrue(type), Is.EqualTo(expected));
    }
}
