namespace LocalKube.Node.Testing;

/// <summary>
/// A message handler for a test client that simulates a broken network: <see cref="DropWatches"/> cuts every open
/// watch stream, and while <see cref="Blocked"/> every new request fails as a refused connection would.
/// </summary>
public sealed class FaultInjector : DelegatingHandler
{
    private readonly Lock _lock = new();
    private readonly List<CancellationTokenSource> _watches = [];

    /// <summary>While true, requests fail with <see cref="HttpRequestException"/>.</summary>
    public bool Blocked { get; set; }

    /// <summary>Requests sent (including refused ones).</summary>
    public int Requests;

    /// <summary>Cuts every watch stream open now.</summary>
    public void DropWatches()
    {
        lock (_lock)
        {
            foreach (var watch in _watches)
            {
                watch.Cancel();
            }

            _watches.Clear();
        }
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Interlocked.Increment(ref Requests);
        if (Blocked)
        {
            throw new HttpRequestException("connection refused (fault injected)");
        }

        if (request.RequestUri?.Query.Contains("watch=true", StringComparison.Ordinal) != true)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var cut = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lock (_lock)
        {
            _watches.Add(cut);
        }

        var response = await base.SendAsync(request, cut.Token);
        response.Content = new CuttableContent(response.Content, cut);
        return response;
    }

    private sealed class CuttableContent(HttpContent inner, CancellationTokenSource cut) : HttpContent
    {
        protected override async Task<Stream> CreateContentReadStreamAsync() => new CuttableStream(await inner.ReadAsStreamAsync(), cut);

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => inner.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                cut.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class CuttableStream(Stream inner, CancellationTokenSource cut) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, cut.Token);
            try
            {
                return await inner.ReadAsync(buffer, linked.Token);
            }
            catch (OperationCanceledException) when (cut.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new IOException("connection reset (fault injected)");
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
