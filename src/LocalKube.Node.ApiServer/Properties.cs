using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("LocalKube.Node.ApiServer.Tests")]
