using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace LocalKube.Node.Client.Clients;

/// <summary>Raw requests on a KubernetesClient's connection (its TLS, certificate or token), for the generic paths.</summary>
internal static class KubeHttp
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");

    /// <summary>Sends a request; a non-success answer becomes a <see cref="KubeApiException"/> with the server's Status.</summary>
    public static async Task<HttpResponseMessage> SendAsync(
        Kubernetes client, HttpMethod method, string pathAndQuery, HttpContent? content, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        // HTTP/2 when the server offers it, as client-go: an identity's watches then share one TLS connection
        // instead of holding one connection each (about 60 in an idle agent over HTTP/1.1).
        using var request = new HttpRequestMessage(method, new Uri(client.BaseUri, pathAndQuery))
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        request.Headers.Accept.Add(Json);
        if (client.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken);
        }

        var response = await client.HttpClient.SendAsync(request, completion, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            V1Status? status = null;
            try
            {
                status = JsonSerializer.Deserialize<V1Status>(text, KubeJson.Options);
            }
            catch (JsonException)
            {
                // Not a Status: the HTTP code is all there is.
            }

            throw new KubeApiException((int)response.StatusCode, status, $"{(int)response.StatusCode} from {method} {pathAndQuery}: {text}");
        }
    }
}
