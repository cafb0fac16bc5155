using Google.Protobuf;
using Grpc.Core;
using LocalKube.Node.Storage.Protocol;
using NUnit.Framework;
using Result = LocalKube.Node.Storage.Protocol.Compare.Types.CompareResult;
using CmpTarget = LocalKube.Node.Storage.Protocol.Compare.Types.CompareTarget;

namespace LocalKube.Node.Storage.Tests.Conformance;

[TestFixture(TargetKind.Embedded)]
[TestFixture(TargetKind.EmbeddedGrpc)]
[TestFixture(TargetKind.Etcd)]
public sealed class TxnConformanceTests(TargetKind kind) : ConformanceTest(kind)
{
    [Test]
    public async Task Compares_every_target_with_every_operator()
    {
        var lease = await Store.LeaseGrantAsync(new LeaseGrantRequest { TTL = 60 }, None);
        var created = (await PutAsync("k", "m", lease.ID)).Header.Revision;
        var kv = (await GetAsync("k"))!;
        var cases = new List<(Compare Compare, bool Expected)>();
        void Add(CmpTarget target, Action<Compare, long> set, long actual)
        {
            foreach (var (result, delta, expected) in new[]
            {
                (Result.Equal, 0L, true), (Result.Equal, 1L, false),
                (Result.NotEqual, 1L, true), (Result.NotEqual, 0L, false),
                (Result.Greater, -1L, true), (Result.Greater, 0L, false),
                (Result.Less, 1L, true), (Result.Less, 0L, false),
            })
            {
                var c = new Compare { Key = K("k"), Target = target, Result = result };
                set(c, actual + delta);
                cases.Add((c, expected));
            }
        }

        Add(CmpTarget.Version, (c, v) => c.Version = v, kv.Version);
        Add(CmpTarget.Create, (c, v) => c.CreateRevision = v, created);
        Add(CmpTarget.Mod, (c, v) => c.ModRevision = v, kv.ModRevision);
        Add(CmpTarget.Lease, (c, v) => c.Lease = v, lease.ID);
        foreach (var (result, value, expected) in new[]
        {
            (Result.Equal, "m", true), (Result.Equal, "n", false), (Result.NotEqual, "n", true),
            (Result.Greater, "a", true), (Result.Greater, "z", false), (Result.Less, "z", true), (Result.Less, "a", false),
        })
        {
            cases.Add((new Compare { Key = K("k"), Target = CmpTarget.Value, Result = result, Value = V(value) }, expected));
        }

        foreach (var (compare, expected) in cases)
        {
            var txn = new TxnRequest { Compare = { compare } };
            var response = await Store.TxnAsync(txn, None);
            Assert.That(response.Succeeded, Is.EqualTo(expected), compare.ToString());
        }

        await Store.LeaseRevokeAsync(new LeaseRevokeRequest { ID = lease.ID }, None);
    }

    [Test]
    public async Task Compares_on_a_missing_key_use_zero_and_value_always_fails()
    {
        var missing = K("missing");
        Assert.Multiple(async () =>
        {
            Assert.That((await Store.TxnAsync(new TxnRequest { Compare = { new Compare { Key = missing, Target = CmpTarget.Mod, Result = Result.Equal, ModRevision = 0 } } }, None)).Succeeded, Is.True);
            Assert.That((await Store.TxnAsync(new TxnRequest { Compare = { new Compare { Key = missing, Target = CmpTarget.Version, Result = Result.Equal, Version = 0 } } }, None)).Succeeded, Is.True);
            Assert.That((await Store.TxnAsync(new TxnRequest { Compare = { new Compare { Key = missing, Target = CmpTarget.Value, Result = Result.NotEqual, Value = V("x") } } }, None)).Succeeded, Is.False);
        });
    }

    [Test]
    public async Task Compare_over_a_range_must_hold_for_every_key()
    {
        await PutAsync("a", "1");
        await PutAsync("b", "2");
        var all = new Compare { Key = K("a"), RangeEnd = K("c"), Target = CmpTarget.Version, Result = Result.Equal, Version = 1 };
        Assert.That((await Store.TxnAsync(new TxnRequest { Compare = { all } }, None)).Succeeded, Is.True);
        await PutAsync("b", "3");
        Assert.That((await Store.TxnAsync(new TxnRequest { Compare = { all } }, None)).Succeeded, Is.False);
    }

    [Test]
    public async Task A_txn_is_atomic_at_one_revision_and_reads_its_own_writes()
    {
        await PutAsync("old", "x");
        var txn = new TxnRequest
        {
            Compare = { new Compare { Key = K("create"), Target = CmpTarget.Mod, Result = Result.Equal, ModRevision = 0 } },
            Success =
            {
                new RequestOp { RequestPut = new PutRequest { Key = K("create"), Value = V("1") } },
                new RequestOp { RequestPut = new PutRequest { Key = K("other"), Value = V("2") } },
                new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = K("old"), PrevKv = true } },
                new RequestOp { RequestRange = new RangeRequest { Key = ByteString.CopyFromUtf8(Prefix), RangeEnd = PrefixEnd() } },
            },
            Failure = { new RequestOp { RequestRange = new RangeRequest { Key = K("create") } } },
        };
        var response = await Store.TxnAsync(txn, None);
        var revision = response.Header.Revision;
        var kvs = (await ListAsync()).Kvs;
        Assert.Multiple(() =>
        {
            Assert.That(response.Succeeded, Is.True);
            Assert.That(kvs.Select(k => k.ModRevision).Distinct(), Is.EqualTo(new[] { revision }));
            Assert.That(response.Responses[0].ResponsePut.Header.Revision, Is.EqualTo(revision));
            Assert.That(response.Responses[2].ResponseDeleteRange.Deleted, Is.EqualTo(1));
            Assert.That(response.Responses[3].ResponseRange.Kvs.Select(k => Str(k.Key)[Prefix.Length..]), Is.EqualTo(new[] { "create", "other" }));
            Assert.That(response.Responses[3].ResponseRange.Header.Revision, Is.EqualTo(revision));
        });
        var again = await Store.TxnAsync(txn, None);
        Assert.That(again.Succeeded, Is.False);
        Assert.That(again.Header.Revision, Is.EqualTo(revision), "a read-only branch does not bump the revision");
        Assert.That(Str(again.Responses[0].ResponseRange.Kvs[0].Value), Is.EqualTo("1"));
    }

    [Test]
    public async Task Nested_txn_takes_its_own_branch()
    {
        await PutAsync("flag", "on");
        var txn = new TxnRequest
        {
            Success =
            {
                new RequestOp
                {
                    RequestTxn = new TxnRequest
                    {
                        Compare = { new Compare { Key = K("flag"), Target = CmpTarget.Value, Result = Result.Equal, Value = V("off") } },
                        Success = { new RequestOp { RequestPut = new PutRequest { Key = K("x"), Value = V("then") } } },
                        Failure = { new RequestOp { RequestPut = new PutRequest { Key = K("x"), Value = V("else") } } },
                    },
                },
                new RequestOp { RequestPut = new PutRequest { Key = K("y"), Value = V("y") } },
            },
        };
        var response = await Store.TxnAsync(txn, None);
        Assert.Multiple(async () =>
        {
            Assert.That(response.Succeeded, Is.True);
            Assert.That(response.Responses[0].ResponseTxn.Succeeded, Is.False);
            Assert.That(Str((await GetAsync("x"))!.Value), Is.EqualTo("else"));
            Assert.That((await GetAsync("x"))!.ModRevision, Is.EqualTo((await GetAsync("y"))!.ModRevision));
        });
    }

    [Test]
    public async Task Bad_txns_get_etcds_errors()
    {
        var dup = new TxnRequest
        {
            Success =
            {
                new RequestOp { RequestPut = new PutRequest { Key = K("d"), Value = V("1") } },
                new RequestOp { RequestPut = new PutRequest { Key = K("d"), Value = V("2") } },
            },
        };
        await FailsAsync(() => Store.TxnAsync(dup, None), StatusCode.InvalidArgument, "etcdserver: duplicate key given in txn request");
        var putInDeleted = new TxnRequest
        {
            Success =
            {
                new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = K("a"), RangeEnd = K("z") } },
                new RequestOp { RequestPut = new PutRequest { Key = K("m"), Value = V("2") } },
            },
        };
        await FailsAsync(() => Store.TxnAsync(putInDeleted, None), StatusCode.InvalidArgument, "etcdserver: duplicate key given in txn request");
        var tooMany = new TxnRequest();
        for (var i = 0; i < 129; i++)
        {
            tooMany.Success.Add(new RequestOp { RequestRange = new RangeRequest { Key = K($"r{i}") } });
        }

        await FailsAsync(() => Store.TxnAsync(tooMany, None), StatusCode.InvalidArgument, "etcdserver: too many operations in txn request");
        var emptyCompare = new TxnRequest { Compare = { new Compare { Target = CmpTarget.Version, Version = 0 } } };
        await FailsAsync(() => Store.TxnAsync(emptyCompare, None), StatusCode.InvalidArgument, "etcdserver: key is not provided");
        var badLease = new TxnRequest { Success = { new RequestOp { RequestPut = new PutRequest { Key = K("l"), Value = V("1"), Lease = 0x7a11 } } } };
        await FailsAsync(() => Store.TxnAsync(badLease, None), StatusCode.NotFound, "etcdserver: requested lease not found");
        Assert.That(await GetAsync("l"), Is.Null, "a failed txn writes nothing");
        var future = new TxnRequest { Success = { new RequestOp { RequestRange = new RangeRequest { Key = K("f"), Revision = 1L << 40 } } } };
        await FailsAsync(() => Store.TxnAsync(future, None), StatusCode.OutOfRange, "etcdserver: mvcc: required revision is a future revision");
    }
}
