using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace LocalKube.Node.Storage.Server;

/// <summary>
/// Binds the etcd services' methods as Grpc.AspNetCore's own binder does, but with request deserializers that turn
/// a message that does not decode into grpc-go's answer: <c>Internal</c> "grpc: error unmarshalling request: …" for
/// a unary call, "grpc: failed to unmarshal the received message …" on a stream (etcd 3.4's exact texts). Without
/// this, ASP.NET Core answers such a message <c>Unknown</c>, as if the handler had thrown.
/// </summary>
/// <typeparam name="TService">A service class deriving from a generated <c>…Base</c>.</typeparam>
internal sealed class EtcdMethodProvider<TService> : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        // The generated base carries [BindServiceMethod(typeof(KV), "BindService")]; with a null implementation
        // BindService only reports each method's descriptor to the binder.
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } bind)
            {
                var method = bind.BindType.GetMethods(BindingFlags.Public | BindingFlags.Static)
                    .Single(m => m.Name == bind.BindMethodName && m.GetParameters() is [var p, _] && p.ParameterType == typeof(ServiceBinderBase));
                method.Invoke(null, [new Binder(context), null]);
                return;
            }
        }
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            context.AddUnaryMethod(Wrap(method, unary: true), [], Invoker<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddClientStreamingMethod(Wrap(method, unary: false), [], Invoker<ClientStreamingServerMethod<TService, TRequest, TResponse>>(method.Name));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddServerStreamingMethod(Wrap(method, unary: true), [], Invoker<ServerStreamingServerMethod<TService, TRequest, TResponse>>(method.Name));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddDuplexStreamingMethod(Wrap(method, unary: false), [], Invoker<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(method.Name));

        // An open delegate over the service's override of the method, as Grpc.AspNetCore's binder makes.
        private static TDelegate Invoker<TDelegate>(string name)
            where TDelegate : Delegate
        {
            var parameters = typeof(TDelegate).GetMethod("Invoke")!.GetParameters().Skip(1).Select(p => p.ParameterType).ToArray();
            var target = typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters)
                ?? throw new InvalidOperationException($"{typeof(TService).Name} has no method {name}");
            return (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), target);
        }

        private static Method<TRequest, TResponse> Wrap<TRequest, TResponse>(Method<TRequest, TResponse> method, bool unary)
        {
            var inner = method.RequestMarshaller;
            var request = Marshallers.Create<TRequest>(inner.ContextualSerializer, ctx =>
            {
                try
                {
                    return inner.ContextualDeserializer(ctx);
                }
                catch (Google.Protobuf.InvalidProtocolBufferException e)
                {
                    var cause = GoProtoError(e, typeof(TRequest).Name);
                    throw new RpcException(new Status(StatusCode.Internal, unary
                        ? $"grpc: error unmarshalling request: {cause}"
                        : $"grpc: failed to unmarshal the received message {cause}"));
                }
            });
            return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, request, method.ResponseMarshaller);
        }
    }

    // gogo-protobuf's texts for the failures Google.Protobuf reports (etcd's messages are gogo generated).
    internal static string GoProtoError(Google.Protobuf.InvalidProtocolBufferException e, string type) => e.Message switch
    {
        var m when m.StartsWith("While parsing a protocol message, the input ended unexpectedly", StringComparison.Ordinal) => "unexpected EOF",
        var m when m.Contains("invalid tag (zero)", StringComparison.Ordinal) => $"proto: {type}: illegal tag 0 (wire type 0)",
        var m when m.Contains("negative size", StringComparison.Ordinal) => "proto: negative length found during unmarshaling",
        var m when m.Contains("malformed varint", StringComparison.Ordinal) => "proto: integer overflow",
        var m => "proto: " + m,
    };
}
