using System.Net;
using System.Net.Sockets;
using LocalKube.Dashboard.Streams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LocalKube.Dashboard.Endpoints;

/// <summary><c>/api/portforwards</c>: list (GET), open (POST a <see cref="PortForwardRequest"/>), stop (DELETE <c>/{id}</c>).</summary>
internal static class PortForwardEndpoints
{
    public static void Map(IEndpointRouteBuilder app, PortForwardManager forwards)
    {
        app.MapGet("/api/portforwards", (RequestDelegate)(context =>
            context.Response.WriteAsJsonAsync(forwards.List().Select(PortForwardView.Of).ToList(), DashboardJsonContext.Default.ListPortForwardView, cancellationToken: context.RequestAborted)));

        app.MapPost("/api/portforwards", (RequestDelegate)(async context =>
        {
            var request = await JsonBody.ReadAsync(context, DashboardJsonContext.Default.PortForwardRequest);
            if (request is null)
            {
                return;
            }

            try
            {
                var forward = forwards.Open(new PortForwardTarget(request.Namespace, request.Kind, request.Name, request.Port), request.LocalPort ?? 0);
                context.Response.StatusCode = StatusCodes.Status201Created;
                await context.Response.WriteAsJsonAsync(PortForwardView.Of(forward), DashboardJsonContext.Default.PortForwardView, cancellationToken: context.RequestAborted);
            }
            catch (ArgumentException e)
            {
                await ApiProxy.WriteStatusAsync(context.Response, HttpStatusCode.BadRequest, "BadRequest", e.Message, context.RequestAborted);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                await ApiProxy.WriteStatusAsync(context.Response, HttpStatusCode.Conflict, "AlreadyExists",
                    $"local port {request.LocalPort} is already in use", context.RequestAborted);
            }
            catch (SocketException e)
            {
                // A port below 1024 without the privilege, or another refusal of the local listener: the request's port.
                await ApiProxy.WriteStatusAsync(context.Response, HttpStatusCode.BadRequest, "BadRequest",
                    $"cannot listen on local port {request.LocalPort}: {e.Message}", context.RequestAborted);
            }
            catch (InvalidOperationException e)
            {
                await ApiProxy.WriteStatusAsync(context.Response, HttpStatusCode.TooManyRequests, "TooManyRequests", e.Message, context.RequestAborted);
            }
        }));

        app.MapDelete("/api/portforwards/{id}", (RequestDelegate)(async context =>
        {
            var id = context.Request.RouteValues["id"] as string ?? "";
            if (await forwards.CloseAsync(id))
            {
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }

            await ApiProxy.WriteStatusAsync(context.Response, HttpStatusCode.NotFound, "NotFound", $"no forward {id}", context.RequestAborted);
        }));
    }
}
